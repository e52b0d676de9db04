package dev.registry.web.security;

import dev.registry.core.Actor;
import dev.registry.web.ConsolePaths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Makes the signed-in user the current {@link Actor} while a console request is handled, so what
 * the services publish (the audit log) names who did it from which address, as {@code /v2} and
 * {@code /api} do with their own filter: a rule added or a retention run started in the console is
 * the user's, not {@code system}'s. Runs after Spring Security's filters, which restore the user
 * from the session.
 */
class ConsoleActorFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof ConsoleUser user)) {
            chain.doFilter(request, response);
            return;
        }
        Actor actor = new Actor(user.name(), "user", request.getRemoteAddr());
        request.setAttribute(Actor.REQUEST_ATTRIBUTE, actor);
        try (Actor.Scope ignored = Actor.open(actor)) {
            chain.doFilter(request, response);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registration {

        /** On the console's paths only, after Spring Security's filter chain (order -100). */
        @Bean
        FilterRegistrationBean<ConsoleActorFilter> consoleActorFilter() {
            FilterRegistrationBean<ConsoleActorFilter> registration = new FilterRegistrationBean<>(new ConsoleActorFilter());
            registration.setUrlPatterns(ConsolePaths.FILTER_PATTERNS);
            registration.setOrder(Ordered.LOWEST_PRECEDENCE - 100);
            return registration;
        }
    }
}
