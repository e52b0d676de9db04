package dev.registry.api.distribution;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class DistributionConfiguration {

    /** Runs first so every later filter and the dispatcher see the internal path. */
    @Bean
    FilterRegistrationBean<RepositoryPathFilter> repositoryPathFilter(OciErrors errors) {
        FilterRegistrationBean<RepositoryPathFilter> registration = new FilterRegistrationBean<>(new RepositoryPathFilter(errors));
        registration.addUrlPatterns("/v2/*", "/v2");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
