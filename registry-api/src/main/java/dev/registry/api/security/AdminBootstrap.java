package dev.registry.api.security;

import dev.registry.api.config.RegistryProperties;
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
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    private final UserService users;
    private final RegistryProperties properties;

    AdminBootstrap(UserService users, RegistryProperties properties) {
        this.users = users;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        users.ensureAdmin(properties.admin().password()).ifPresent(generated -> log.warn("""

                ==================================================================
                 Created the system administrator 'admin' with the password

                     {}

                 It is shown this once. Sign in with: docker login -u admin <host>
                 and change it: PUT /api/v1/users/current/password
                ==================================================================""", generated));
    }
}
