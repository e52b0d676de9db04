package dev.registry.api.audit;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class ActorFilterConfiguration {

    /**
     * After authentication (order +20), before the /v2 access decision (+30), which may create a
     * project on push (an event that must name the pusher). The decision changes the caller only to
     * continue an upload with an expired token, and uploads publish no events.
     */
    @Bean
    FilterRegistrationBean<ActorFilter> actorFilter() {
        FilterRegistrationBean<ActorFilter> registration = new FilterRegistrationBean<>(new ActorFilter());
        registration.addUrlPatterns("/v2/*", "/v2", "/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 25);
        return registration;
    }
}
