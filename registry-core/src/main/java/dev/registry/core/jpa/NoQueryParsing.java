package dev.registry.core.jpa;

import org.springframework.data.jpa.repository.query.DeclaredQuery;
import org.springframework.data.jpa.repository.query.QueryEnhancerFactories;
import org.springframework.data.jpa.repository.query.QueryEnhancerFactory;
import org.springframework.data.jpa.repository.query.QueryEnhancerSelector;

/**
 * The repositories' {@code @Query} strings go to Hibernate as written, without Spring Data JPA's own parse of them
 * ({@code @EnableJpaRepositories(queryEnhancerSelector = NoQueryParsing.class)}).
 *
 * <p>Spring Data JPA parses each JPQL {@code @Query} with its own ANTLR grammar of HQL (about 300 classes) to derive
 * count queries and to add sort orders; Hibernate then parses the same string again with its own grammar to run it.
 * No registry query needs either (none is paged or sorted through a {@code Pageable} or {@code Sort} parameter; the
 * paged lookups are derived queries, which Spring Data builds without parsing), so its regular-expression enhancer,
 * which native queries use already, serves all of them; the parser's classes then stay out of the start-up cache and
 * of every replica's memory (docs/benchmarks.md). {@code NoQueryParsingTest} keeps the precondition: a JPQL
 * {@code @Query} method with a {@code Pageable} or {@code Sort} parameter fails it.
 */
public final class NoQueryParsing implements QueryEnhancerSelector {

    @Override
    public QueryEnhancerFactory select(DeclaredQuery query) {
        return QueryEnhancerFactories.fallback();
    }
}
