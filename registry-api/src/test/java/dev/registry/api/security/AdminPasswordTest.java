package dev.registry.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.api.RegistryApplication;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Issue 11, correctness 6: the admin password follows the rule every password follows, and a
 * lost one is reset from the machine with {@code --reset-admin-password}, the way the README
 * says. Each run starts the application as {@code main} would (no web server) over a database of
 * its own.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AdminPasswordTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final PasswordEncoder ENCODER = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    private static String database() {
        return "jdbc:h2:mem:admin-reset-" + DATABASES.incrementAndGet() + "-" + System.nanoTime()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    }

    private static String[] args(String database, String... more) {
        String[] base = {"--" + AdminPasswordReset.OPTION, "--spring.datasource.url=" + database,
                "--registry.storage.filesystem.root=target/test-data/admin-reset", "--logging.level.root=warn"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private static String adminHash(String database) throws Exception {
        try (Connection c = DriverManager.getConnection(database, "sa", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT password_hash FROM user_account WHERE username = 'admin'")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void a_weak_configured_admin_password_stops_the_start_with_one_line_naming_the_variable_and_the_rule() {
        assertThatThrownBy(() -> AdminBootstrap.checkConfigured("admin"))
                .isInstanceOf(AdminBootstrap.InvalidAdminPasswordException.class)
                .hasMessageStartingWith("REGISTRY_ADMIN_PASSWORD (registry.admin.password) is refused: a password has at least 8")
                .hasMessageNotContaining("\n");
        AdminBootstrap.checkConfigured("Str0ng-Admin");
        AdminBootstrap.checkConfigured(null);
    }

    @Test
    void the_application_refuses_to_start_with_a_weak_admin_password_and_says_why() {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> AdminPasswordReset.run(RegistryApplication.class,
                args(database(), "--registry.admin.password=admin"), System.out));

        Throwable cause = NestedExceptionUtils.getMostSpecificCause(failure);
        assertThat(cause).isInstanceOf(AdminBootstrap.InvalidAdminPasswordException.class);
        FailureAnalysis analysis = new AdminPasswordFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription()).startsWith("REGISTRY_ADMIN_PASSWORD");
        assertThat(analysis.getAction()).contains("REGISTRY_ADMIN_PASSWORD");
    }

    @Test
    void the_reset_sets_the_configured_password_or_prints_a_generated_one_once_and_exits() throws Exception {
        // given a registry whose admin has some password
        String database = database();
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        int configured = AdminPasswordReset.run(RegistryApplication.class, args(database, "--registry.admin.password=Reset-Passw0rd"),
                new PrintStream(first, true, StandardCharsets.UTF_8));
        String configuredHash = adminHash(database);

        // when it is reset without a configured password
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        int generated = AdminPasswordReset.run(RegistryApplication.class, args(database),
                new PrintStream(second, true, StandardCharsets.UTF_8));
        String printed = second.toString(StandardCharsets.UTF_8).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.contains(" ")).findFirst().orElseThrow();

        // then each run succeeded, the first set the configured password, the second the printed one
        assertThat(configured).isZero();
        assertThat(generated).isZero();
        assertThat(first.toString(StandardCharsets.UTF_8)).contains("REGISTRY_ADMIN_PASSWORD").doesNotContain("Reset-Passw0rd");
        assertThat(ENCODER.matches("Reset-Passw0rd", configuredHash)).isTrue();
        assertThat(ENCODER.matches(printed, adminHash(database))).isTrue();
        assertThat(printed).hasSizeGreaterThanOrEqualTo(20);
    }
}
