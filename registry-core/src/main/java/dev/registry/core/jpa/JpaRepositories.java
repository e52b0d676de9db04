package dev.registry.core.jpa;

import org.springframework.context.annotation.Configuration;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;

/** The Spring Data JPA repositories of registry-core, their {@code @Query} strings unparsed by Spring Data ({@link NoQueryParsing}). */
@Configuration(proxyBeanMethods = false)
@EnableJpaRepositories(basePackages = "dev.registry.core", queryEnhancerSelector = NoQueryParsing.class)
public class JpaRepositories {
}
