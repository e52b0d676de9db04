package dev.registry.web.security;

import dev.registry.core.access.CredentialService;
import dev.registry.web.ConsolePaths;
import java.util.Set;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.DefaultCookieSerializer;

/**
 * Sign-in to the console: a form, a session cookie, CSRF tokens on every state-changing request.
 *
 * <ul>
 * <li>The chain matches the console's paths only ({@link ConsolePaths}); {@code /v2}, {@code /api}
 *     and the token service keep their own authentication (Basic and Bearer, no session, no
 *     cookie) and never see this chain, nor Spring Session's filter ({@link #consoleFilterScope}).</li>
 * <li>The session id changes at sign-in; sign-out (a POST with the CSRF token) ends the session and
 *     deletes the cookie. The cookie is {@code HttpOnly}, {@code SameSite=Lax}, and {@code Secure}
 *     when the request came over TLS (directly or, with forwarded headers on, through a proxy).</li>
 * <li>Sessions live in the database (Spring Session JDBC, migration V17), so a request may land on
 *     any replica.</li>
 * <li>A Content-Security-Policy with no inline script or style and {@code frame-ancestors 'none'}.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class ConsoleSecurityConfiguration {

    /** The name of the console's session cookie. */
    static final String COOKIE = "REGISTRY_SESSION";

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

    @Bean
    SecurityFilterChain consoleSecurity(HttpSecurity http) throws Exception {
        http.securityMatcher(ConsolePaths.MATCHER_PATTERNS)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(ConsolePaths.LOGIN, ConsolePaths.ASSETS + "/**").permitAll()
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage(ConsolePaths.LOGIN).defaultSuccessUrl(ConsolePaths.PROJECTS, false)
                        .failureUrl(ConsolePaths.LOGIN + "?error").permitAll())
                .logout(logout -> logout.logoutUrl(ConsolePaths.LOGOUT).logoutSuccessUrl(ConsolePaths.LOGIN + "?signed-out")
                        .invalidateHttpSession(true).clearAuthentication(true).deleteCookies(COOKIE))
                .sessionManagement(session -> session.sessionFixation(fixation -> fixation.changeSessionId()))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
        return http.build();
    }

    /**
     * The one way to sign in: the registry's users through registry-core. As the only
     * authentication provider bean it is Spring Security's global one, and Spring Boot's generated
     * in-memory user never exists.
     */
    @Bean
    ConsoleAuthenticationProvider consoleAuthentication(CredentialService credentials) {
        return new ConsoleAuthenticationProvider(credentials);
    }

    /** The session cookie: HttpOnly, SameSite=Lax, Secure exactly when the request is (Spring Session's default). */
    @Bean
    CookieSerializer consoleCookie() {
        DefaultCookieSerializer cookie = new DefaultCookieSerializer();
        cookie.setCookieName(COOKIE);
        cookie.setCookiePath("/");
        cookie.setUseHttpOnlyCookie(true);
        cookie.setSameSite("Lax");
        return cookie;
    }

    /**
     * Spring Boot registers Spring Security's and Spring Session's filters for every path; this
     * narrows both to the console's paths, so the registry's APIs keep their own answers and pay
     * nothing for the console (no firewall rewrite of {@code /v2} names, no session lookup).
     */
    @Bean
    static BeanPostProcessor consoleFilterScope() {
        // the registration beans Spring Boot's security and session auto-configurations define
        Set<String> scoped = Set.of("securityFilterChainRegistration", "sessionRepositoryFilterRegistration");
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof DelegatingFilterProxyRegistrationBean registration && scoped.contains(beanName)) {
                    registration.setUrlPatterns(ConsolePaths.FILTER_PATTERNS);
                }
                return bean;
            }
        };
    }
}
