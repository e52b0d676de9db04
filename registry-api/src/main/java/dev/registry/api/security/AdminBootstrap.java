package dev.registry.api.security;

import dev.registry.api.config.RegistryProperties;
import dev.registry.core.RegistryException;
import dev.registry.core.access.UserService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * At first start, creates the system admin {@code admin} with {@code registry.admin.password}
 * ({@code REGISTRY_ADMIN_PASSWORD}) or, when that is unset, a generated password printed once in
 * the log. Later starts leave the account alone (its password may have been changed since).
 *
 * <p>A configured password must follow the rule every other password follows
 * ({@link UserService#PASSWORD_RULE}); one that does not stops the start, before the server takes
 * requests, whether or not the admin exists already (a weak secret in the environment is a
 * mistake either way). {@link AdminPasswordFailureAnalyzer} turns that into a one-line message.
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    static final String VARIABLE = "REGISTRY_ADMIN_PASSWORD";
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    private final UserService users;
    private final RegistryProperties properties;

    AdminBootstrap(UserService users, RegistryProperties properties) {
        this.users = users;
        this.properties = properties;
        checkConfigured(properties.admin().password());
    }

    /** Throws {@link InvalidAdminPasswordException} when a configured admin password breaks the rule. */
    static void checkConfigured(String configured) {
        if (configured == null || configured.isBlank()) {
            return;
        }
        try {
            UserService.checkPassword(configured, VARIABLE);
        } catch (RegistryException e) {
            throw new InvalidAdminPasswordException(VARIABLE + " (registry.admin.password) is refused: " + e.getMessage());
        }
    }

    @Override
    public void run(ApplicationArguments args) {
        if (args.containsOption(AdminPasswordReset.OPTION)) {
            return; // the reset sets the password itself
        }
        users.ensureAdmin(properties.admin().password()).ifPresent(generated -> log.warn("""

                ==================================================================
                 Created the system administrator 'admin' with the password

                     {}

                 It is shown this once. Sign in with: docker login -u admin <host>
                 and change it: PUT /api/v1/users/current/password
                ==================================================================""", generated));
    }

    /** A configured admin password that breaks the password rule; the start stops. */
    public static class InvalidAdminPasswordException extends RuntimeException {
        InvalidAdminPasswordException(String message) {
            super(message);
        }
    }
}
