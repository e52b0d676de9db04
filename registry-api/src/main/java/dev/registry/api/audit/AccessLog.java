package dev.registry.api.audit;

import dev.registry.core.Actor;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * One access log line per request (logger {@code dev.registry.access}, INFO) and a request id: the caller's
 * {@code X-Request-Id} when it is a plain token of at most 64 characters (a proxy's), else a new one; returned in the
 * response's {@code X-Request-Id} and put in the logging context (MDC {@code requestId}), so every line logged while the
 * request is handled carries it ({@code logging.pattern.correlation} in plain text, a field of Spring Boot's structured
 * JSON logs). The line holds the method, the path without its query, the status, the time taken, the client's address,
 * the caller's name and the id: never a header, a query string or a body, so never a password, secret or token. {@code registry.access-log.enabled=false} turns it off.
 */
@Configuration(proxyBeanMethods = false)
class AccessLog {

    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "requestId";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Logger log = LoggerFactory.getLogger("dev.registry.access");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** {@code enabled}: decided when the filter is registered, not by a condition (AotMode: no condition on a setting). */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> accessLogFilter(@Value("${registry.access-log.enabled:true}") boolean enabled) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String given = request.getHeader(HEADER);
                String id = given != null && ACCEPTED.matcher(given).matches() ? given : newId();
                response.setHeader(HEADER, id);
                long start = System.nanoTime();
                MDC.put(MDC_KEY, id);
                try {
                    chain.doFilter(request, response);
                } finally {
                    if (log.isInfoEnabled()) {
                        Object caller = request.getAttribute(Actor.REQUEST_ATTRIBUTE);
                        log.info("{} {} {} {} ms {} {} id={}", request.getMethod(), request.getRequestURI(), response.getStatus(),
                                (System.nanoTime() - start) / 1_000_000, request.getRemoteAddr(),
                                caller instanceof Actor actor ? actor.name() : "-", id);
                    }
                    MDC.remove(MDC_KEY);
                }
            }
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setName("accessLog");
        registration.setEnabled(enabled);
        return registration;
    }

    private static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
