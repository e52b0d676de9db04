package dev.registry.core.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.core.CoreTestApplication;
import dev.registry.core.OnH2;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.bytecode.spi.BytecodeProvider;
import org.hibernate.cfg.BytecodeSettings;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * Hibernate runs without Byte Buddy ({@link NoBytecodeGeneration}), which is only sound while no entity needs a proxy:
 * no association, which is what lazy loading would proxy. (Every scenario class stores and reads entities through
 * that provider, on H2 and PostgreSQL.)
 */
@SpringBootTest(classes = CoreTestApplication.class)
@OnH2
class NoBytecodeGenerationTest {

    @Autowired
    EntityManagerFactory entityManagerFactory;

    @Autowired
    ApplicationContext context;

    @Test
    void theEntityManagerFactoryUsesHibernatesNoneBytecodeProvider() {
        BytecodeProvider provider = entityManagerFactory.unwrap(SessionFactoryImplementor.class).getServiceRegistry()
                .requireService(BytecodeProvider.class);
        assertThat(provider).isInstanceOf(org.hibernate.bytecode.internal.none.BytecodeProviderImpl.class);
    }

    /**
     * The JPA bootstrap builds an enhancement transformer whenever dirty tracking is on (Hibernate's default), and that
     * transformer builds a Byte Buddy provider unless this setting hands it one: what Hibernate was given must name
     * the {@code none} provider.
     */
    @Test
    void theEnhancementTransformerGetsTheNoneProviderToo() {
        LocalContainerEntityManagerFactoryBean factory = context.getBean(LocalContainerEntityManagerFactoryBean.class);
        assertThat(factory.getJpaPropertyMap().get(BytecodeSettings.BYTECODE_PROVIDER_INSTANCE))
                .isInstanceOf(org.hibernate.bytecode.internal.none.BytecodeProviderImpl.class);
    }

    @Test
    void noEntityHasAnAssociationThatLazyLoadingWouldProxy() {
        assertThat(entityManagerFactory.getMetamodel().getEntities()).isNotEmpty().allSatisfy(entity -> {
            assertThat(entity.getAttributes()).as(entity.getName()).allSatisfy(attribute ->
                    assertThat(attribute.isAssociation()).as(entity.getName() + "." + attribute.getName()).isFalse());
        });
    }
}
