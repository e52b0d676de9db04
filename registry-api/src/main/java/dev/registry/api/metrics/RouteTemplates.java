package dev.registry.api.metrics;

import dev.registry.api.distribution.RepositoryPathFilter;
import dev.registry.api.distribution.RepositoryPathFilter.Resource;
import io.micrometer.common.KeyValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.http.server.observation.ServerRequestObservationConvention;

/**
 * The {@code uri} label of {@code http.server.requests} names a {@code /v2} repository route as clients see it,
 * {@code /v2/{name}/manifests/{reference}}, instead of the internal path its controller maps
 * ({@code /v2/-/manifest}, see {@link RepositoryPathFilter}). Like every route template it holds no
 * repository name, tag or digest.
 */
@Configuration(proxyBeanMethods = false)
class RouteTemplates {

    @Bean
    ServerRequestObservationConvention registryRouteTemplates() {
        return new DefaultServerRequestObservationConvention() {
            @Override
            protected KeyValue uri(ServerRequestObservationContext context) {
                KeyValue uri = super.uri(context);
                return uri.getValue().startsWith(RepositoryPathFilter.INTERNAL + "/")
                        && context.getCarrier().getAttribute(RepositoryPathFilter.RESOURCE) instanceof Resource resource
                        ? KeyValue.of(uri.getKey(), resource.template())
                        : uri;
            }
        };
    }
}
