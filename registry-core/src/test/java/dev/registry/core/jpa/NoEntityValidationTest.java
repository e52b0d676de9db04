package dev.registry.core.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.core.CoreTestApplication;
import dev.registry.core.OnH2;
import jakarta.persistence.EntityManagerFactory;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.hibernate.cfg.ValidationSettings;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * Hibernate does not validate entities with Jakarta Bean Validation ({@link NoEntityValidation}), which loses nothing
 * only while no entity carries a constraint: an annotation whose type is meta-annotated with
 * {@code jakarta.validation.Constraint} (named, not referenced: this module does not depend on the API).
 */
@SpringBootTest(classes = CoreTestApplication.class)
@OnH2
class NoEntityValidationTest {

    @Autowired
    EntityManagerFactory entityManagerFactory;

    @Autowired
    ApplicationContext context;

    @Test
    void hibernateIsToldNotToValidateEntities() {
        LocalContainerEntityManagerFactoryBean factory = context.getBean(LocalContainerEntityManagerFactoryBean.class);
        assertThat(factory.getJpaPropertyMap()).containsEntry(ValidationSettings.JAKARTA_VALIDATION_MODE, "none");
    }

    @Test
    void noEntityCarriesABeanValidationConstraint() {
        List<Class<?>> entities = entityManagerFactory.getMetamodel().getEntities().stream()
                .<Class<?>>map(entity -> entity.getJavaType()).toList();
        assertThat(entities).isNotEmpty().allSatisfy(type -> {
            List<AnnotatedElement> elements = new ArrayList<>();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                elements.add(c);
                elements.addAll(Arrays.asList(c.getDeclaredFields()));
                elements.addAll(Arrays.asList(c.getDeclaredMethods()));
                Stream.of(c.getDeclaredConstructors()).forEach(elements::add);
            }
            assertThat(elements).as(type.getName()).allSatisfy(element ->
                    assertThat(Arrays.stream(element.getAnnotations()).filter(NoEntityValidationTest::isConstraint))
                            .as(element.toString()).isEmpty());
        });
    }

    private static boolean isConstraint(Annotation annotation) {
        return Arrays.stream(annotation.annotationType().getAnnotations())
                .anyMatch(meta -> meta.annotationType().getName().equals("jakarta.validation.Constraint"));
    }
}
