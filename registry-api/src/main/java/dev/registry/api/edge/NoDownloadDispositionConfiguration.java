package dev.registry.api.edge;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class NoDownloadDispositionConfiguration {

    /** Outermost on the API paths, so every answer written below it passes through its response. */
    @Bean
    FilterRegistrationBean<NoDownloadDispositionFilter> noDownloadDispositionFilter() {
        FilterRegistrationBean<NoDownloadDispositionFilter> registration = new FilterRegistrationBean<>(new NoDownloadDispositionFilter());
        registration.addUrlPatterns("/v2/*", "/v2", "/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
