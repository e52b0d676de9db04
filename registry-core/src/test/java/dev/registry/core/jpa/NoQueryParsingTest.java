package dev.registry.core.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.core.CoreTestApplication;
import dev.registry.core.OnH2;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.query.DeclaredQuery;
import org.springframework.data.jpa.repository.query.QueryEnhancerFactories;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactoryBean;

/**
 * The repositories' {@code @Query} strings are not parsed by Spring Data JPA ({@link NoQueryParsing}), which loses
 * nothing only while no JPQL {@code @Query} needs a derived count query or an added sort order.
 */
@SpringBootTest(classes = CoreTestApplication.class)
@OnH2
class NoQueryParsingTest {

    @Autowired
    ApplicationContext context;

    @Test
    void jpqlAndNativeQueriesGetTheRegularExpressionEnhancer() {
        NoQueryParsing selector = new NoQueryParsing();
        assertThat(selector.select(DeclaredQuery.jpqlQuery("select r.id from RepositoryEntity r where r.name = :name")))
                .isSameAs(QueryEnhancerFactories.fallback());
        assertThat(selector.select(DeclaredQuery.nativeQuery("SELECT id FROM repository WHERE name = :name")))
                .isSameAs(QueryEnhancerFactories.fallback());
    }

    @Test
    void noJpqlQueryIsPagedOrSorted() {
        @SuppressWarnings("rawtypes")
        Map<String, JpaRepositoryFactoryBean> factories = context.getBeansOfType(JpaRepositoryFactoryBean.class);
        List<Class<?>> repositories = factories.values().stream().<Class<?>>map(factory -> factory.getObjectType()).toList();
        assertThat(repositories).as("registry-core's repositories").hasSizeGreaterThan(5);
        List<Method> jpql = repositories.stream().flatMap(type -> Arrays.stream(type.getMethods()))
                .filter(method -> method.isAnnotationPresent(Query.class) && !method.getAnnotation(Query.class).nativeQuery())
                .toList();
        assertThat(jpql).as("the JPQL @Query methods").isNotEmpty().allSatisfy(method ->
                assertThat(method.getParameterTypes()).as(method.toString())
                        .noneMatch(type -> Pageable.class.isAssignableFrom(type) || Sort.class.isAssignableFrom(type)));
        assertThat(jpql).allSatisfy(method -> assertThat(method.getAnnotation(Query.class).countQuery())
                .as("a count query of %s", method).isEmpty());
    }
}
