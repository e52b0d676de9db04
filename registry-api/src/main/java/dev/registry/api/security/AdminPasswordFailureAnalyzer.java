package dev.registry.api.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a refused {@code REGISTRY_ADMIN_PASSWORD} as Spring Boot's short "APPLICATION FAILED TO
 * START" message (description and action) instead of a stack trace. Registered in
 * {@code META-INF/spring.factories}.
 */
public class AdminPasswordFailureAnalyzer extends AbstractFailureAnalyzer<AdminBootstrap.InvalidAdminPasswordException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, AdminBootstrap.InvalidAdminPasswordException cause) {
        return new FailureAnalysis(cause.getMessage(), "Set " + AdminBootstrap.VARIABLE
                + " to a password that follows the rule, or unset it to have one generated at first start.", cause);
    }
}
