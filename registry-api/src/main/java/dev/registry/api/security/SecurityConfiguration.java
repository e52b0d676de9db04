package dev.registry.api.security;

import dev.registry.api.distribution.OciErrors;
import dev.registry.core.access.CredentialService;
import dev.registry.core.access.TokenService;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.ObjectMapper;

@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /**
     * Authenticates every API request: after the /v2 path split (order +10), before the /v2 access
     * decision (order +30).
     */
    @Bean
    FilterRegistrationBean<AuthenticationFilter> authenticationFilter(CredentialService credentials, TokenService tokens,
                                                                      Challenges challenges, OciErrors errors, ObjectMapper json) {
        FilterRegistrationBean<AuthenticationFilter> registration = new FilterRegistrationBean<>(
                new AuthenticationFilter(credentials, tokens, challenges, errors, json));
        registration.addUrlPatterns("/v2/*", "/v2", "/api/*", Challenges.TOKEN_PATH, "/v1/search");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }
}
