package dev.registry.api.audit;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class ActorFilterConfiguration {

    /** After authentication (order +20) and the /v2 access decision (+30), which may still change the caller. */
    @Bean
    FilterRegistrationBean<ActorFilter> actorFilter() {
        FilterRegistrationBean<ActorFilter> registration = new FilterRegistrationBean<>(new ActorFilter());
        registration.addUrlPatterns("/v2/*", "/v2", "/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 40);
        return registration;
    }
}
