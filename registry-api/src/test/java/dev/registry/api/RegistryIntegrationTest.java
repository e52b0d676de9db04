package dev.registry.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A full registry on a random port over an in-memory H2 database and a filesystem blob store
 * under {@code target/}. Every class with this annotation shares one Spring context (same
 * configuration, so the context cache hands the same one out), so tests must use their own
 * repository names and never assume an empty registry.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:registry;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
        "registry.storage.filesystem.root=target/test-data/blobs",
        // the proxy cache's key file (endpoint credentials) beside the blobs, not in ./data
        "registry.proxy.secret-key-file=target/test-data/proxy-secret.key",
        // the zero-copy path is off by default; the shared context covers it (S3 tests cover the copy loop)
        "registry.http.sendfile=true",
        "registry.admin.password=" + RegistryIntegrationTest.ADMIN_PASSWORD,
        // tests push into projects of their own; the admin creates them by pushing
        "registry.projects.create-on-push=true",
        // every test signs in from 127.0.0.1: the wrong logins of all the classes sharing this context
        // must not add up to the per-address wait (its bound is tested in the core's AccessScenarios)
        "registry.auth.login-failures.free-per-address=100000",
        "logging.level.root=warn"
})
public @interface RegistryIntegrationTest {

    /** The system admin of every test context, and its password (set by {@code registry.admin.password}). */
    String ADMIN = "admin";
    String ADMIN_PASSWORD = "Admin-Test-1";
}
