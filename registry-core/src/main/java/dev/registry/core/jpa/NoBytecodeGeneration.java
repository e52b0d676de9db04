package dev.registry.core.jpa;

import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.bytecode.spi.BytecodeProvider;
import org.hibernate.service.spi.ServiceContributor;

/**
 * Hibernate without generated classes: its {@code none} bytecode provider instead of Byte Buddy, contributed to every
 * service registry through {@code META-INF/services}.
 *
 * <p>Byte Buddy is there for lazy loading (proxy subclasses of the entities) and for generated instantiators and
 * accessors. No entity of the registry has an association, and nothing fetches one by reference, so there is nothing
 * to proxy; entities are built and read through reflection instead. What that saves is start-up: Byte Buddy's own
 * start and the two classes it generated per entity took about a tenth of the {@code EntityManagerFactory}'s time, and
 * its 800-odd classes were loaded at every start (docs/benchmarks.md, "Hibernate without Byte Buddy"). An association
 * added later that needs a proxy fails with Hibernate's own message, which names this provider ({@code none}).
 */
public class NoBytecodeGeneration implements ServiceContributor {

    @Override
    public void contribute(StandardServiceRegistryBuilder serviceRegistryBuilder) {
        serviceRegistryBuilder.addService(BytecodeProvider.class, new org.hibernate.bytecode.internal.none.BytecodeProviderImpl());
    }
}
