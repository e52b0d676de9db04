package dev.registry.core.jpa;

import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.bytecode.spi.BytecodeProvider;
import org.hibernate.cfg.BytecodeSettings;
import org.hibernate.service.spi.ServiceContributor;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Hibernate without generated classes: its {@code none} bytecode provider instead of Byte Buddy, in both places
 * Hibernate asks for one. As the service of every service registry (contributed through {@code META-INF/services}), it
 * is what builds the entities' instantiators, accessors and lazy-loading proxies; as the setting
 * {@value BytecodeSettings#BYTECODE_PROVIDER_INSTANCE} ({@link Settings}), it is what the JPA bootstrap's class
 * transformer for entity enhancement gets, which otherwise builds a Byte Buddy provider of its own at every start even
 * though nothing enhances (Spring has no load-time weaver here, so the transformer is never applied).
 *
 * <p>Byte Buddy is there for lazy loading (proxy subclasses of the entities) and for generated instantiators and
 * accessors. No entity of the registry has an association, and nothing fetches one by reference, so there is nothing
 * to proxy; entities are built and read through reflection instead. What that saves is start-up: Byte Buddy's own
 * start and the two classes it generated per entity took about a tenth of the {@code EntityManagerFactory}'s time, and
 * its classes (over 600) were loaded at every start (docs/benchmarks.md, "Hibernate without Byte Buddy" and "Byte
 * Buddy, the rest"). An association added later that needs a proxy fails with Hibernate's own message, which names
 * this provider ({@code none}).
 */
public class NoBytecodeGeneration implements ServiceContributor {

    @Override
    public void contribute(StandardServiceRegistryBuilder serviceRegistryBuilder) {
        serviceRegistryBuilder.addService(BytecodeProvider.class, new org.hibernate.bytecode.internal.none.BytecodeProviderImpl());
    }

    /** The provider for the JPA bootstrap's enhancement transformer, through Spring Boot's Hibernate properties. */
    @Configuration(proxyBeanMethods = false)
    static class Settings {

        @Bean
        HibernatePropertiesCustomizer noBytecodeEnhancement() {
            return properties -> properties.put(BytecodeSettings.BYTECODE_PROVIDER_INSTANCE,
                    new org.hibernate.bytecode.internal.none.BytecodeProviderImpl());
        }
    }
}
