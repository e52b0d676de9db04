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
import org.springframework.data.jpa.repository.NativeQuery;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactoryBean;

/** Every query a registry repository declares is native SQL, so Hibernate never parses HQL ({@link JpaRepositories}). */
@SpringBootTest(classes = CoreTestApplication.class)
@OnH2
class NativeQueriesOnlyTest {

    @Autowired
    ApplicationContext context;

    @Test
    void everyDeclaredQueryIsNativeSql() {
        @SuppressWarnings("rawtypes")
        Map<String, JpaRepositoryFactoryBean> factories = context.getBeansOfType(JpaRepositoryFactoryBean.class);
        List<Class<?>> repositories = factories.values().stream().<Class<?>>map(factory -> factory.getObjectType()).toList();
        assertThat(repositories).as("registry-core's repositories").hasSizeGreaterThan(5)
                .allMatch(type -> type.getName().startsWith("dev.registry."));
        List<Method> declared = repositories.stream().flatMap(type -> Arrays.stream(type.getDeclaredMethods()))
                .filter(method -> !method.isDefault() && !method.isSynthetic()).toList();
        assertThat(declared).as("the repositories' own query methods").hasSizeGreaterThan(40).allSatisfy(method ->
                assertThat(method.isAnnotationPresent(NativeQuery.class)
                        || method.isAnnotationPresent(Query.class) && method.getAnnotation(Query.class).nativeQuery())
                        .as("%s is a native @Query (not a derived or JPQL query)", method).isTrue());
    }

    @Test
    void likePatternsTakeTheSearchedTextLiterally() {
        assertThat(Like.containing(null)).isEqualTo("%%");
        assertThat(Like.containing("")).isEqualTo("%%");
        assertThat(Like.containing("a_b%c!d")).isEqualTo("%a!_b!%c!!d%");
    }
}
