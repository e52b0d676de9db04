package dev.registry.api.security;

import dev.registry.api.config.RegistryProperties;
import dev.registry.core.access.UserService;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/**
 * The recovery for a lost admin password, which needs the machine (its database settings), not
 * the network: the application started with {@code --reset-admin-password} starts without a web
 * server, sets the password of {@code admin} to {@code REGISTRY_ADMIN_PASSWORD} when that is set
 * (it must follow the password rule) or else to a generated one printed once on standard output,
 * forgets the admin's failed logins, and exits. Both changes are audited, by {@code system}.
 *
 * <p>With the embedded H2 file database the registry must be stopped first (H2 lets one process
 * open the file); with PostgreSQL it may keep running, and the new password holds on every replica
 * at once.
 */
@Component
public class AdminPasswordReset {

    public static final String OPTION = "reset-admin-password";
    private final UserService users;
    private final RegistryProperties properties;

    AdminPasswordReset(UserService users, RegistryProperties properties) {
        this.users = users;
        this.properties = properties;
    }

    /** Whether the command line asks for the reset. */
    public static boolean requested(String[] args) {
        return Arrays.asList(args).contains("--" + OPTION);
    }

    /**
     * Starts {@code application} without a web server, resets the admin password, stops it; the
     * process's exit code (0 when the password was set).
     */
    public static int run(Class<?> application, String[] args, PrintStream out) {
        SpringApplication app = new SpringApplication(application);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setDefaultProperties(Map.of("spring.main.banner-mode", "off"));
        try (ConfigurableApplicationContext context = app.run(args)) {
            Optional<String> generated = context.getBean(AdminPasswordReset.class).reset();
            out.println(generated.map(password -> "The password of 'admin' is now\n\n    " + password
                    + "\n\nIt is shown this once. Failed logins of 'admin' are forgotten.")
                    .orElse("The password of 'admin' is now the one in " + AdminBootstrap.VARIABLE
                            + ". Failed logins of 'admin' are forgotten."));
            return 0;
        }
    }

    /** Sets the admin password (configured or generated) and forgets its failed logins; the generated password if any. */
    Optional<String> reset() {
        return users.resetAdminPassword(properties.admin().password());
    }
}
