package dev.registry.api.metrics;

import dev.registry.api.management.ApiProblems;
import dev.registry.core.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code /actuator/prometheus} is served on the management port only ({@code management.server.port}, which the Helm
 * chart and the compose file set): on the port that serves {@code /v2}, the API and the console it answers 404 with a
 * problem saying so, so metrics (project names and sizes among them) are never public by accident.
 */
@Configuration(proxyBeanMethods = false)
class MetricsOnManagementPort {

    static final String PATH = "/actuator/prometheus";

    /**
     * Registered only when the actuator shares the registry's port, decided here rather than by a condition (AotMode: no
     * condition on a setting); with a management port of its own the registry's port has no actuator at all.
     */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> metricsOnlyOnManagementPort(ObjectMapper json, Environment environment) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws IOException {
                ApiProblems.write(response, json, HttpStatus.NOT_FOUND, ErrorCode.ENDPOINT_UNKNOWN, "metrics are served on the"
                        + " management port only: set management.server.port (MANAGEMENT_SERVER_PORT) and scrape "
                        + PATH + " there", request);
            }
        });
        registration.addUrlPatterns(PATH, PATH + "/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setEnabled(ManagementPortType.get(environment) == ManagementPortType.SAME);
        return registration;
    }
}
