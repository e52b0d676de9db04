package dev.registry.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.faults.RegistryProcess;
import dev.registry.api.replicas.SharedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up layout the build makes on a JDK 25 or newer (the {@code aot-cache} profile of this module's pom):
 * {@code target/registry/registry.jar} with its {@code lib/} and the JDK's ahead-of-time cache {@code registry.aot},
 * started exactly as README's "Running in production" says, on the embedded defaults (an empty folder: H2 is created
 * and Flyway migrates) and on PostgreSQL. Each start must become ready, serve a push and a pull, and take its classes
 * from the cache (the JVM's class-loading log names the cache as their source), which is what makes it start in a
 * fraction of the fat jar's time (bench/startup.sh measures it; no timing is asserted here). An integration test:
 * failsafe runs it after {@code package}, in that profile only.
 */
class StartupCacheIT {

    static final Path LAYOUT = Path.of("target", "registry").toAbsolutePath();

    @TempDir
    Path folder;

    @Test
    void startsFromTheCacheOnTheEmbeddedDefaults() throws Exception {
        RegistryProcess registry = startPushPullAndCheckTheCache(folder, false);
        assertThat(registry.log()).as("the packaged build starts from its AOT-generated bean definitions (AotMode)")
                .contains("Starting AOT-processed RegistryApplication");
    }

    /**
     * A management port of its own (the Helm chart's and the compose file's MANAGEMENT_SERVER_PORT) is a server the
     * build's generated definitions do not hold: the registry says so, starts the regular way, and serves the probes
     * and the metrics on that port.
     */
    @Test
    void withAManagementPortStartsTheRegularWayAndServesIt() throws Exception {
        RegistryProcess registry = startPushPullAndCheckTheCache(folder, true);
        assertThat(registry.log()).doesNotContain("AOT-processed")
                .contains("Starting without the build's AOT-generated bean definitions: management.server.port="
                        + registry.probePort() + " (a management server of its own)");
    }

    @Nested
    @ExtendWith(SharedPostgres.class)
    class OnPostgres {

        @TempDir
        Path folder;

        @Test
        void startsFromTheCacheOnPostgres() throws Exception {
            List<String> arguments = new ArrayList<>(List.of("--spring.profiles.active=postgres"));
            arguments.addAll(SharedPostgres.database().arguments());
            RegistryProcess registry = startPushPullAndCheckTheCache(folder, false, arguments.toArray(String[]::new));
            assertThat(registry.log()).contains("Starting AOT-processed RegistryApplication");
        }
    }

    /**
     * README's production command, with the class-loading log on, in {@code folder}, with the actuator on a management
     * port of its own or not; returns the stopped process for its log.
     */
    static RegistryProcess startPushPullAndCheckTheCache(Path folder, boolean managementPort, String... arguments)
            throws Exception {
        assertThat(LAYOUT.resolve("registry.aot")).as("the build's AOT cache").isRegularFile();
        Path classes = folder.resolve("classes.log");
        RegistryProcess registry = RegistryProcess.launched(folder, List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:AOTCache=" + LAYOUT.resolve("registry.aot"), "-Xlog:class+load=info:file=" + classes,
                "-Xms64m", "-Xmx192m", "-XX:+UseSerialGC", "-XX:ThreadPriorityPolicy=1", "-XX:CompilerThreadPriority=10",
                "-XX:TrimNativeHeapInterval=2000", "-XX:MaxInlineLevel=6", "-XX:InlineSmallCode=500", "-XX:FreqInlineSize=150",
                "-jar", LAYOUT.resolve("registry.jar").toString()),
                // INFO from the application's main class and AotMode: which way it started
                Stream.concat(Stream.of(arguments), Stream.of("--logging.level.dev.registry.api.RegistryApplication=info",
                        "--logging.level.dev.registry.api.aot=info")).toArray(String[]::new));
        if (managementPort) {
            registry = registry.withManagementPort();
        }
        long started = System.nanoTime();
        registry.start();
        try {
            System.out.printf("StartupCacheIT: ready %d ms after launch (%s)%n", (System.nanoTime() - started) / 1_000_000,
                    (arguments.length == 0 ? "embedded defaults" : arguments[0])
                            + (managementPort ? ", management port" : ""));
            RegistryClient admin = registry.admin();
            byte[] content = "layer from the cached start".getBytes(StandardCharsets.UTF_8);
            String digest = admin.pushBlob("cache/app", content);
            assertThat(admin.sendForBytes("GET", "/v2/cache/app/blobs/" + digest, Map.of()).body()).isEqualTo(content);
            RegistryClient probe = RegistryClient.anonymous(registry.probePort());
            assertThat(probe.send("GET", "/actuator/health/liveness").statusCode()).isEqualTo(200);
            assertThat(probe.send("GET", "/actuator/prometheus").statusCode())
                    .as("metrics on the management port only (404 on the registry's port without one)")
                    .isEqualTo(managementPort ? 200 : 404);

            // README's compiler threads at nice 10, the main and request threads at the normal 0
            ThreadNice.assertReadmeSettings(ThreadNice.of(registry.pid()));

            List<String> loaded = Files.readAllLines(classes);
            long fromCache = loaded.stream().filter(line -> line.endsWith("source: shared objects file")).count();
            assertThat(loaded).as("the application's main class comes from the cache")
                    .anyMatch(line -> line.contains(" dev.registry.api.RegistryApplication source: shared objects file"));
            assertThat(loaded).as("a class of the upload path comes from the cache too (the training run pushed)")
                    .anyMatch(line -> line.contains(" dev.registry.api.distribution.MinimumRateInputStream source: shared objects file"));
            assertThat(fromCache).as("classes from the cache, of %d loaded", loaded.size())
                    .isGreaterThan(loaded.size() * 3L / 4);
            // nothing of Byte Buddy, neither in the cache nor loaded later (dev.registry.core.jpa.NoBytecodeGeneration):
            // the cache preloads every class it holds at every start
            assertThat(loaded).as("Byte Buddy's classes (Hibernate's none bytecode provider is in use)")
                    .noneMatch(line -> line.contains(" net.bytebuddy."));
            // nor an HQL parser, Spring Data JPA's or Hibernate's, nor ANTLR's parsing machinery (every repository
            // query is native SQL: dev.registry.core.jpa.JpaRepositories; Hibernate's query engine still loads three
            // of ANTLR's interfaces and exceptions when it starts), nor the JDK's XML parser, which Spring JDBC's
            // sql-error-codes.xml used to bring in (dev.registry.web.security.ConsoleSessionConfiguration)
            assertThat(loaded).as("Spring Data JPA's HQL parser")
                    .noneMatch(line -> line.contains(" org.springframework.data.jpa.repository.query.HqlParser"));
            assertThat(loaded).as("Hibernate's HQL grammar and ANTLR's parser")
                    .noneMatch(line -> line.contains(" org.hibernate.grammars.") || line.contains(" org.antlr.v4.runtime.atn."));
            assertThat(loaded).as("the JDK's XML parser")
                    .noneMatch(line -> line.contains(" com.sun.org.apache.xerces."));
            // nor Log4j's API, which commons-logging probed at every start (registry-api/pom.xml leaves it out)
            assertThat(loaded).as("Log4j's API").noneMatch(line -> line.contains(" org.apache.logging.log4j."));
            // nor a Bean Validation provider: the API's request bodies are checked by BodyConstraints
            assertThat(loaded).as("Hibernate Validator").noneMatch(line -> line.contains(" org.hibernate.validator."));
            // nor SnakeYAML's parser: the registry's defaults are a properties file (a YAML file of the user's still
            // works); Spring Boot only looks whether two of its classes are there
            assertThat(loaded).as("SnakeYAML beyond Spring Boot's presence checks")
                    .noneMatch(line -> line.contains(" org.yaml.snakeyaml.") && !line.contains(" org.yaml.snakeyaml.Yaml source:")
                            && !line.contains(" org.yaml.snakeyaml.constructor.BaseConstructor source:"));
        } finally {
            registry.kill();
        }
        // the JVM takes the whole cache without a word: a warning there means a part of it went unused (the training
        // run in registry-api/pom.xml leaves the adapters' code out for that reason)
        assertThat(registry.log()).as("the JVM's warnings about the cache")
                .doesNotContain("[warning][aot").doesNotContain("[warning][cds");
        return registry;
    }
}
