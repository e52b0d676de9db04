package dev.registry.core;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A PostgreSQL for tests, chosen once per JVM, in this order:
 * <ol>
 *   <li>a Testcontainers {@link PostgreSQLContainer} when a Docker engine answers;</li>
 *   <li>otherwise the local server at {@value #LOCAL_URL} (user {@code postgres}, no password; other
 *       values with {@code -Dregistry.test.postgres.url=... -Dregistry.test.postgres.user=...
 *       -Dregistry.test.postgres.password=...}) when it accepts a connection;</li>
 *   <li>otherwise none: test classes using it are skipped (disabled by this execution condition)
 *       with the reason.</li>
 * </ol>
 * Every run gets its own new schema {@code registry_<random>}; the datasource's {@code currentSchema}
 * and Flyway's {@code default-schema}/{@code schemas} point at it, so runs never see each other's
 * rows. The schema is dropped when the test run ends (the container, if any, is stopped).
 *
 * <p>Use it through {@link OnPostgres}: it is the JUnit extension that skips and cleans up, and
 * the context initializer that hands the connection properties to Spring.
 */
public final class PostgresForTests
        implements ExecutionCondition, BeforeAllCallback, ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private static final Logger log = LoggerFactory.getLogger(PostgresForTests.class);
    private static Database database;

    /** The database of this JVM, resolved on first use. */
    static synchronized Database database() {
        if (database == null) {
            database = resolve();
            log.info(database.description());
        }
        return database;
    }

    /** Skips the whole class, before any Spring context is loaded, when there is no PostgreSQL. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Database db = database();
        if (!db.available()) {
            return ConditionEvaluationResult.disabled(db.description());
        }
        // closed (schema dropped, container stopped) when the whole test run ends
        context.getRoot().getStore(ExtensionContext.Namespace.create(PostgresForTests.class))
                .computeIfAbsent(Database.class, key -> db, Database.class);
        return ConditionEvaluationResult.enabled(db.description());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.publishReportEntry("postgresql", database().description());
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Database db = database();
        if (!db.available()) {
            throw new IllegalStateException(db.description());
        }
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("postgresForTests", Map.of(
                "spring.datasource.url", db.url(),
                "spring.datasource.username", db.username(),
                "spring.datasource.password", db.password(),
                "spring.flyway.default-schema", db.schema(),
                "spring.flyway.schemas", db.schema())));
    }

    private static Database resolve() {
        String schema = "registry_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
        String noDocker;
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return fromContainer(schema);
            }
            noDocker = "no Docker engine";
        } catch (RuntimeException e) {
            noDocker = "Docker engine unusable (" + e + ")";
        }
        String url = System.getProperty("registry.test.postgres.url", LOCAL_URL);
        String user = System.getProperty("registry.test.postgres.user", "postgres");
        String password = System.getProperty("registry.test.postgres.password", "");
        try (Connection c = connect(url, user, password)) {
            String version = c.getMetaData().getDatabaseProductVersion();
            createSchema(c, schema);
            return new Database(true, "PostgreSQL for tests: local PostgreSQL " + version + " at " + url + " (" + noDocker + "), schema " + schema,
                    withSchema(url, schema), user, password, schema, () -> {
                        try (Connection d = connect(url, user, password); Statement s = d.createStatement()) {
                            s.execute("SET lock_timeout = '10s'"); // never hang the end of the run
                            s.execute("DROP SCHEMA " + schema + " CASCADE");
                            log.info("PostgreSQL for tests: dropped schema {}", schema);
                        }
                    });
        } catch (SQLException e) {
            String reason = "no PostgreSQL for tests: " + noDocker + ", and " + url + " refused a connection as "
                    + user + " (" + e.getMessage() + ")";
            return new Database(false, reason, null, null, null, null, () -> { });
        }
    }

    private static Database fromContainer(String schema) throws RuntimeException {
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
        container.start();
        try (Connection c = connect(container.getJdbcUrl(), container.getUsername(), container.getPassword())) {
            String version = c.getMetaData().getDatabaseProductVersion();
            createSchema(c, schema);
            return new Database(true, "PostgreSQL for tests: Testcontainers PostgreSQL " + version + " (" + container.getDockerImageName()
                    + "), schema " + schema, withSchema(container.getJdbcUrl(), schema), container.getUsername(),
                    container.getPassword(), schema, container::stop);
        } catch (SQLException e) {
            container.stop();
            throw new IllegalStateException("the PostgreSQL container started but refused a connection", e);
        }
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(url, props);
    }

    private static void createSchema(Connection c, String schema) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema); // fails if it exists: the schema is this run's alone
        }
    }

    private static String withSchema(String url, String schema) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** What was found; {@link #description()} says which path was taken, or why none was. */
    record Database(boolean available, String description, String url, String username, String password,
                    String schema, Cleanup cleanup) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            cleanup.run();
        }
    }

    @FunctionalInterface
    interface Cleanup {
        void run() throws Exception;
    }
}
