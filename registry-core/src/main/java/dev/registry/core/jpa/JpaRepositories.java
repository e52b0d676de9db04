package dev.registry.core.jpa;

import org.springframework.context.annotation.Configuration;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;

/**
 * The Spring Data JPA repositories of registry-core.
 *
 * <p>Every query they declare is native SQL ({@code @Query(nativeQuery = true)}; {@code NativeQueriesOnlyTest} fails
 * on a derived or JPQL query): Hibernate runs native SQL as written, while a JPQL string, and a derived query, which
 * Spring Data renders as JPQL, goes through Hibernate's ANTLR grammar of HQL and its semantic query model first. Those
 * are about 600 classes and an ATN built at every start, which the start-up cache would hold and every replica keep
 * resident for queries the registry writes in SQL anyway (docs/benchmarks.md). Of the inherited methods the registry
 * uses those that run no JPQL: {@code findById}, {@code save}, {@code delete}, {@code deleteById} ({@code existsById}
 * of an {@code @IdClass} entity, {@code count()} and {@code deleteAllInBatch} build JPQL strings).
 */
@Configuration(proxyBeanMethods = false)
@EnableJpaRepositories(basePackages = "dev.registry.core")
public class JpaRepositories {
}
