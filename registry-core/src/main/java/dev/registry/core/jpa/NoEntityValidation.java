package dev.registry.core.jpa;

import org.hibernate.cfg.ValidationSettings;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Hibernate without Jakarta Bean Validation of entities ({@value ValidationSettings#JAKARTA_VALIDATION_MODE}
 * {@code none}). With a Bean Validation provider on the class path (the registry's API checked request bodies with
 * one until it got its own checks, {@code BodyConstraints}), Hibernate's default ({@code auto}) bootstraps it at every
 * start to look for constraints on every entity property (to carry them into the schema, which Flyway owns here) and
 * then validates each entity before every insert, update and delete; without one, {@code auto} still looks for one at
 * every start. No entity of the registry carries a constraint (the schema's and the services' checks do that work;
 * {@code NoEntityValidationTest} keeps it so), so all of it found nothing; skipping it took 60–80 ms of the main
 * thread's CPU off the start (docs/benchmarks.md, "No Bean Validation of entities").
 */
@Configuration(proxyBeanMethods = false)
public class NoEntityValidation {

    @Bean
    HibernatePropertiesCustomizer entityValidationModeNone() {
        return properties -> properties.put(ValidationSettings.JAKARTA_VALIDATION_MODE, "none");
    }
}
