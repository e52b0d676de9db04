package dev.registry.api.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.distribution.RepositoryPathFilter.Resource;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every {@code /v2} repository handler maps one of {@link RepositoryPathFilter}'s fixed internal paths, so Spring MVC
 * finds it by a direct lookup instead of testing the request against every mapping of the application (issue 15:
 * with {@code /v2/-/manifests/{reference}} a tenth of a manifest GET's CPU went to that scan).
 */
class DistributionRoutingTest extends ApiTestBase {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void repositoryHandlersMapDirectPaths() {
        Map<RequestMappingInfo, HandlerMethod> internal = mappings.getHandlerMethods().entrySet().stream()
                .filter(e -> e.getKey().getPatternValues().stream().anyMatch(p -> p.startsWith(RepositoryPathFilter.INTERNAL + "/")))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(internal).isNotEmpty();
        Set<String> resourcePaths = Arrays.stream(Resource.values()).map(Resource::internalPath).collect(Collectors.toSet());
        internal.forEach((info, handler) -> {
            assertThat(info.getDirectPaths()).as("%s maps a path with variables or wildcards", handler).isNotEmpty();
            assertThat(resourcePaths).as("%s maps a path no resource routes to", handler).containsAll(info.getDirectPaths());
        });
        // every resource the filter routes to has a handler
        assertThat(internal.keySet().stream().flatMap(i -> i.getDirectPaths().stream()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(resourcePaths);
    }
}
