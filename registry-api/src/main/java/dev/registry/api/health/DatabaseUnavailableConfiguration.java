package dev.registry.api.health;

import dev.registry.api.distribution.OciErrors;
import dev.registry.api.security.Challenges;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.ObjectMapper;

@Configuration(proxyBeanMethods = false)
class DatabaseUnavailableConfiguration {

    /** Outside every registry filter (the path split is +10, authentication +20, access +30). */
    @Bean
    FilterRegistrationBean<DatabaseUnavailableFilter> databaseUnavailableFilter(OciErrors errors, ObjectMapper json) {
        FilterRegistrationBean<DatabaseUnavailableFilter> registration = new FilterRegistrationBean<>(
                new DatabaseUnavailableFilter(errors, json));
        registration.addUrlPatterns("/v2/*", "/v2", "/api/*", Challenges.TOKEN_PATH);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }
}
