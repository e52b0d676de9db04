package dev.registry.api.management;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.ObjectMapper;

@Configuration(proxyBeanMethods = false)
class BodyLimitConfiguration {

    /** Before authentication (+20): an oversized body is refused without reading it or checking a password. */
    @Bean
    FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(@Value("${registry.api.max-body-size:1MB}") DataSize max,
                                                           ObjectMapper json) {
        FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(new BodyLimitFilter(max.toBytes(), json));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 15);
        return registration;
    }
}
