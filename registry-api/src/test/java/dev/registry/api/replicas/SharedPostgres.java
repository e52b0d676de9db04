package dev.registry.api.replicas;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One PostgreSQL database for several registry replicas of a test, chosen once per JVM the way
 * registry-core's {@code PostgresForTests} chooses (a Testcontainers PostgreSQL when a Docker
 * engine answers; else the local server at {@value #LOCAL_URL}, user {@code postgres}, overridable
 * with {@code -Dregistry.test.postgres.url/user/password}; else none, and the test class is skipped
 * with the reason), with a new schema {@code registry_<random>} of this run's own, dropped when the
 * run ends.
 *
 * <p>Not shared with registry-core through a test-jar on purpose: under {@code mvn test} the
 * reactor would put all of core's test classes (its {@code @SpringBootApplication} and blob store
 * bean among them) on this module's test classpath, into the registry's component scan.
 */
public final class SharedPostgres implements ExecutionCondition {

    static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private static final Logger log = LoggerFactory.getLogger(SharedPostgres.class);
    private static Database database;

    /** Where the replicas connect; {@link #arguments()} are their command-line properties. */
    public record Database(boolean available, String description, String url, String username, String password,
                    String schema, Cleanup cleanup) implements AutoCloseable {

        /** The datasource and Flyway settings, as {@code --key=value} arguments. */
        public List<String> arguments() {
            return List.of("--spring.datasource.url=" + url, "--spring.datasource.username=" + username,
                    "--spring.datasource.password=" + password, "--spring.flyway.default-schema=" + schema,
                    "--spring.flyway.schemas=" + schema);
        }

        @Override
        public void close() throws Exception {
            cleanup.run();
        }
    }

    @FunctionalInterface
    interface Cleanup {
        void run() throws Exception;
    }

    public static synchronized Database database() {
        if (database == null) {
            database = resolve();
            log.info(database.description());
        }
        return database;
    }

    /** Skips the class when there is no PostgreSQL; otherwise drops the schema when the whole run ends. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Database db = database();
        if (!db.available()) {
            return ConditionEvaluationResult.disabled(db.description());
        }
        context.getRoot().getStore(ExtensionContext.Namespace.create(SharedPostgres.class))
                .computeIfAbsent(Database.class, key -> db, Database.class);
        return ConditionEvaluationResult.enabled(db.description());
    }

    private static Database resolve() {
        String schema = "registry_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
        String noDocker;
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
                container.start();
                try {
                    return connect("Testcontainers PostgreSQL (" + container.getDockerImageName() + ")",
                            container.getJdbcUrl(), container.getUsername(), container.getPassword(), schema, container::stop);
                } catch (SQLException e) {
                    container.stop();
                    throw new IllegalStateException("the PostgreSQL container started but refused a connection", e);
                }
            }
            noDocker = "no Docker engine";
        } catch (RuntimeException e) {
            noDocker = "Docker engine unusable (" + e + ")";
        }
        String url = System.getProperty("registry.test.postgres.url", LOCAL_URL);
        String user = System.getProperty("registry.test.postgres.user", "postgres");
        String password = System.getProperty("registry.test.postgres.password", "");
        try {
            return connect("local PostgreSQL at " + url + " (" + noDocker + ")", url, user, password, schema, () -> { });
        } catch (SQLException e) {
            return new Database(false, "no PostgreSQL for the replicas: " + noDocker + ", and " + url
                    + " refused a connection as " + user + " (" + e.getMessage() + ")", null, null, null, null, () -> { });
        }
    }

    /** Creates the run's schema; the cleanup drops it, then runs {@code after} (stopping a container). */
    private static Database connect(String what, String url, String user, String password, String schema, Cleanup after)
            throws SQLException {
        try (Connection c = open(url, user, password); Statement s = c.createStatement()) {
            String version = c.getMetaData().getDatabaseProductVersion();
            s.execute("CREATE SCHEMA " + schema); // fails if it exists: the schema is this run's alone
            return new Database(true, "PostgreSQL for the replicas: " + what + ", version " + version + ", schema " + schema,
                    url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, user, password, schema, () -> {
                        try (Connection d = open(url, user, password); Statement drop = d.createStatement()) {
                            drop.execute("SET lock_timeout = '10s'"); // never hang the end of the run
                            drop.execute("DROP SCHEMA " + schema + " CASCADE");
                        } finally {
                            after.run();
                        }
                    });
        }
    }

    private static Connection open(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(url, props);
    }
}
