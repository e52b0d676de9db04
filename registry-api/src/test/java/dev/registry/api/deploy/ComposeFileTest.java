package dev.registry.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryApplication;
import dev.registry.api.RegistryClient;
import dev.registry.api.deploy.ConfigurationReferenceTest.Property;
import dev.registry.storage.s3.InProcessS3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code deploy/compose/compose.yaml}, checked as far as a machine without a compose engine allows
 * (docs/deploy.md says what was not run): the file is parsed and its services, images, healthchecks,
 * {@code depends_on} conditions, volumes and {@code ${VAR}}s checked against {@code .env.example};
 * every {@code REGISTRY_*}, {@code SPRING_*}, {@code MANAGEMENT_*} and {@code SERVER_*} variable of the
 * registry service must name a real setting (by Spring Boot's own environment-variable mapping over the
 * configuration metadata of the registry's modules and of Spring Boot), so a typo fails here; the
 * registry service's environment, as written, starts a real registry (with only the addresses of
 * PostgreSQL and MinIO replaced by the local PostgreSQL and an in-process S3 server), against which
 * the service's healthcheck command runs in bash and passes; and the bucket set-up script runs
 * through under {@code sh} with a stand-in for MinIO's {@code mc} that records what it is asked.
 */
class ComposeFileTest {

    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final List<String> SETTING_PREFIXES = List.of("REGISTRY_", "SPRING_", "MANAGEMENT_", "SERVER_");
    private static final String LOCAL_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";

    private static Path dir;
    private static Map<String, Object> compose;
    private static Map<String, String> example;

    @TempDir
    static Path work;

    @BeforeAll
    static void readTheFiles() throws IOException {
        dir = ConfigurationReferenceTest.repositoryRoot().resolve("deploy/compose");
        compose = new Yaml().load(Files.readString(dir.resolve("compose.yaml")));
        example = dotEnv(Files.readString(dir.resolve(".env.example")));
    }

    @Test
    void four_services_each_from_an_image_of_env_example() {
        assertThat(services().keySet()).containsExactlyInAnyOrder("postgres", "minio", "minio-init", "registry");
        services().forEach((name, service) -> {
            String image = (String) service.get("image");
            Matcher m = VARIABLE.matcher(image);
            assertThat(m.matches() && m.group(1) != null).as("%s's image is a variable of .env.example: %s", name, image).isTrue();
            String value = example.get(m.group(1));
            assertThat(value).as("%s is in .env.example", m.group(1)).isNotNull();
            if (!name.equals("registry")) {
                // the others are pinned public images; the registry's is the user's own build
                assertThat(value).as("%s's image %s has a tag, and not latest", name, value)
                        .matches(".+/.+:[^/]+").doesNotEndWith(":latest");
            }
        });
    }

    @Test
    void every_long_running_service_has_a_healthcheck_and_every_dependency_waits_for_its_condition() {
        Map<String, Map<String, Object>> services = services();
        for (String name : List.of("postgres", "minio", "registry")) {
            Map<String, Object> healthcheck = map(services.get(name).get("healthcheck"));
            assertThat(healthcheck).as("%s has a healthcheck", name).isNotNull();
            assertThat(list(healthcheck.get("test"))).as("%s's healthcheck runs a command without a shell of compose's", name)
                    .first().isEqualTo("CMD");
            assertThat(services.get(name).get("restart")).as("%s restarts", name).isEqualTo("unless-stopped");
        }
        assertThat(services.get("minio-init").get("restart")).as("the bucket set-up runs once").isEqualTo("no");

        Map<String, String> expected = Map.of(
                "minio-init>minio", "service_healthy",
                "registry>postgres", "service_healthy",
                "registry>minio", "service_healthy",
                "registry>minio-init", "service_completed_successfully");
        Map<String, String> actual = new HashMap<>();
        services.forEach((name, service) -> {
            Map<String, Object> dependsOn = map(service.get("depends_on"));
            if (dependsOn == null) {
                return;
            }
            dependsOn.forEach((target, how) -> {
                String condition = (String) map(how).get("condition");
                actual.put(name + ">" + target, condition);
                if ("service_healthy".equals(condition)) {
                    assertThat(services.get(target)).as("%s waits for %s to be healthy", name, target).containsKey("healthcheck");
                }
            });
        });
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void named_volumes_are_declared_and_used_and_bind_mounts_exist() {
        Set<String> declared = map(compose.get("volumes")).keySet();
        Set<String> used = new TreeSet<>();
        services().forEach((name, service) -> {
            for (Object volume : list(service.getOrDefault("volumes", List.of()))) {
                String source = ((String) volume).split(":")[0];
                if (source.startsWith("./") || source.startsWith("/")) {
                    assertThat(dir.resolve(source)).as("%s mounts %s", name, source).isRegularFile();
                } else {
                    used.add(source);
                }
            }
        });
        assertThat(used).as("named volumes used by the services").containsExactlyInAnyOrderElementsOf(declared)
                .contains("postgres-data", "minio-data");
        assertThat(volumeTargets("postgres")).contains("postgres-data:/var/lib/postgresql/data");
        assertThat(volumeTargets("minio")).contains("minio-data:/data");
    }

    @Test
    void every_variable_compose_yaml_uses_is_in_env_example_and_every_one_there_is_used() throws IOException {
        Set<String> used = new TreeSet<>();
        strings(compose).forEach(s -> interpolate(s, example, used, false));

        assertThat(example.keySet()).as(".env.example defines what compose.yaml uses").containsAll(used);
        assertThat(used).as("compose.yaml uses what .env.example defines").containsAll(example.keySet());
        // what must be chosen per installation is empty, so compose refuses to start (":?") until it is set
        for (String secret : List.of("REGISTRY_ADMIN_PASSWORD", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD", "S3_SECRET_KEY",
                "REGISTRY_IMAGE")) {
            assertThat(example.get(secret)).as("%s is empty in .env.example", secret).isEmpty();
            assertThat(Files.readString(dir.resolve("compose.yaml"))).contains("${" + secret + ":?");
        }
    }

    @Test
    void every_setting_variable_of_the_registry_service_is_a_real_setting() {
        List<Property> metadata = ConfigurationReferenceTest.allProperties();
        Map<String, String> environment = registryEnvironment(example);

        List<String> settings = environment.keySet().stream()
                .filter(variable -> SETTING_PREFIXES.stream().anyMatch(variable::startsWith)).toList();
        assertThat(settings).contains("SPRING_DATASOURCE_URL", "REGISTRY_STORAGE_S3_PATH_STYLE", "REGISTRY_ADMIN_PASSWORD",
                "MANAGEMENT_SERVER_PORT");
        for (String variable : settings) {
            assertThat(propertyOf(variable, metadata)).as("%s sets no property the registry or Spring Boot knows "
                    + "(docs/configuration.md, Spring Boot's reference)", variable).isPresent();
        }
        // the check itself catches a typo
        assertThat(propertyOf("REGISTRY_STORAGE_S3_BUCKETT", metadata)).isEmpty();
        assertThat(propertyOf("SPRING_DATASOURCE_UR", metadata)).isEmpty();
        assertThat(propertyOf("REGISTRY_STORAGE_S3_PATH_STYLE", metadata)).contains("registry.storage.s3.path-style");

        // the profile it selects exists
        for (String profile : environment.get("SPRING_PROFILES_ACTIVE").split(",")) {
            assertThat(ConfigurationReferenceTest.repositoryRoot()
                    .resolve("registry-api/src/main/resources/application-" + profile.trim() + ".properties")).isRegularFile();
        }
    }

    @Test
    void the_registry_reaches_postgresql_and_minio_by_their_service_names() {
        Map<String, String> environment = registryEnvironment(example);
        URI database = URI.create(environment.get("SPRING_DATASOURCE_URL").substring("jdbc:".length()));
        URI s3 = URI.create(environment.get("REGISTRY_STORAGE_S3_ENDPOINT"));

        assertThat(database.getHost()).isIn(services().keySet()).isEqualTo("postgres");
        assertThat(database.getPath()).isEqualTo("/" + map(services().get("postgres").get("environment")).get("POSTGRES_DB"));
        assertThat(environment.get("SPRING_DATASOURCE_USERNAME"))
                .isEqualTo(map(services().get("postgres").get("environment")).get("POSTGRES_USER"));
        assertThat(s3.getHost()).isIn(services().keySet()).isEqualTo("minio");
        assertThat(s3.getPort()).isEqualTo(9000);
        assertThat(environment.get("REGISTRY_STORAGE_S3_BUCKET")).isEqualTo(example.get("S3_BUCKET"));
        assertThat(list(services().get("registry").get("ports")))
                .extracting(p -> interpolate((String) p, example, new TreeSet<>(), false))
                .containsExactly(example.get("REGISTRY_PORT") + ":5000");
    }

    @Test
    void the_bucket_set_up_script_runs_through_with_the_variables_compose_gives_it() throws Exception {
        Map<String, String> environment = environment("minio-init", filled(example));
        assertThat(list(services().get("minio-init").get("entrypoint"))).containsExactly("/bin/sh", "/minio-init.sh");

        // given a stand-in for MinIO's mc that records its arguments and keeps the policy file it gets
        Path bin = Files.createDirectories(work.resolve("mc-bin"));
        Path log = work.resolve("mc.log");
        Path policy = work.resolve("policy.json");
        Path mc = bin.resolve("mc");
        Files.writeString(mc, """
                #!/bin/sh
                echo "$*" >> "$MC_LOG"
                case "$1 $2 $3" in
                  "admin policy create") cp "$6" "$MC_POLICY" ;;
                  "admin policy attach") if [ -n "$MC_ATTACH_ERROR" ]; then echo "$MC_ATTACH_ERROR" >&2; exit 1; fi ;;
                esac
                """);
        Files.setPosixFilePermissions(mc, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> run = new LinkedHashMap<>(environment);
        run.put("PATH", bin + ":/usr/bin:/bin");
        run.put("MC_LOG", log.toString());
        run.put("MC_POLICY", policy.toString());
        Path script = dir.resolve("minio-init.sh");

        // when it runs (sh: Debian's dash, stricter than the mc image's shell)
        Process first = run(run, "sh", script.toString());

        // then it made the bucket, versioned it, set its rules and the registry's account
        assertThat(first.exitValue()).as(output(first)).isZero();
        String bucket = environment.get("S3_BUCKET");
        assertThat(Files.readAllLines(log)).containsExactly(
                "alias set local http://minio:9000 " + environment.get("MINIO_ROOT_USER") + " " + environment.get("MINIO_ROOT_PASSWORD"),
                "mb --ignore-existing local/" + bucket,
                "version enable local/" + bucket,
                "ilm rule rm --all --force local/" + bucket,
                "ilm rule add --prefix blobs/ --noncurrent-expire-days " + environment.get("S3_KEEP_DELETED_DAYS") + " local/" + bucket,
                "ilm rule add --prefix uploads/ --noncurrent-expire-days 1 local/" + bucket,
                "admin user add local " + environment.get("S3_ACCESS_KEY") + " " + environment.get("S3_SECRET_KEY"),
                "admin policy create local registry " + logged(log, "admin policy create").split(" ")[5],
                "admin policy attach local registry --user " + environment.get("S3_ACCESS_KEY"));
        JsonNode document = JsonMapper.builder().build().readTree(Files.readString(policy));
        List<String> resources = new ArrayList<>();
        document.get("Statement").forEach(s -> s.get("Resource").forEach(r -> resources.add(r.asString())));
        assertThat(resources).containsExactlyInAnyOrder("arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*");

        // a second start: the policy is attached already, which is fine; any other refusal stops the set-up
        run.put("MC_ATTACH_ERROR", "mc: <ERROR> Unable to make user/group policy association. The specified policy change is already in effect.");
        Process second = run(run, "sh", script.toString());
        assertThat(second.exitValue()).as(output(second)).isZero();
        run.put("MC_ATTACH_ERROR", "mc: <ERROR> Unable to make user/group policy association. Access Denied.");
        Process third = run(run, "sh", script.toString());
        assertThat(third.exitValue()).isNotZero();
        assertThat(output(third)).contains("Access Denied");
    }

    /**
     * The registry service's environment as written (the passwords filled in), with only what points
     * outside this machine replaced: PostgreSQL's address, role and database (a new database on the
     * local server, as {@code postgres}), MinIO's address and the registry's S3 account (an in-process
     * S3 server with the bucket minio-init would create), and the ports (free ones). The registry it
     * starts runs on PostgreSQL and S3, and the healthcheck command, run with bash as the container
     * would, passes against it; pointed at a port that does not serve readiness it fails.
     */
    @Test
    void the_registry_service_environment_starts_a_registry_whose_healthcheck_passes() throws Exception {
        Map<String, String> values = filled(example);
        Map<String, String> environment = new LinkedHashMap<>(registryEnvironment(values));
        String database = "compose_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try (Connection admin = localPostgres("postgres")) {
            try (Statement s = admin.createStatement()) {
                s.execute("CREATE DATABASE " + database);
            }
        }
        try (InProcessS3 s3 = InProcessS3.start()) {
            s3.createBucket(environment.get("REGISTRY_STORAGE_S3_BUCKET"));
            assertThat(environment.get("SPRING_DATASOURCE_URL")).isEqualTo("jdbc:postgresql://postgres:5432/registry");
            environment.put("SPRING_DATASOURCE_URL", LOCAL_POSTGRES + database);
            environment.put("SPRING_DATASOURCE_USERNAME", "postgres");
            environment.put("SPRING_DATASOURCE_PASSWORD", "");
            environment.put("REGISTRY_STORAGE_S3_ENDPOINT", s3.endpoint().toString());
            environment.put("REGISTRY_STORAGE_S3_ACCESS_KEY", InProcessS3.ACCESS_KEY);
            environment.put("REGISTRY_STORAGE_S3_SECRET_KEY", InProcessS3.SECRET_KEY);
            environment.put("MANAGEMENT_SERVER_PORT", "0");
            environment.put("SERVER_PORT", "0");

            ConfigurableApplicationContext context = start(environment);
            try {
                int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
                int management = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.management.port"));
                assertThat(management).isNotEqualTo(port);

                // the healthcheck, as the container runs it: its own environment says where the actuator is
                List<String> healthcheck = healthcheck();
                Process healthy = run(Map.of("PATH", "/usr/bin:/bin", "MANAGEMENT_SERVER_PORT", String.valueOf(management)),
                        healthcheck.subList(1, healthcheck.size()).toArray(String[]::new));
                assertThat(healthy.exitValue()).as("healthcheck against readiness on the management port: %s", output(healthy))
                        .isZero();
                Process elsewhere = run(Map.of("PATH", "/usr/bin:/bin", "SERVER_PORT", String.valueOf(port)),
                        healthcheck.subList(1, healthcheck.size()).toArray(String[]::new));
                assertThat(elsewhere.exitValue()).as("the main port serves no readiness once the actuator has its own").isNotZero();

                // it is the registry of the compose file: its admin password, PostgreSQL, and blobs in the bucket
                RegistryClient client = new RegistryClient(port, "admin", values.get("REGISTRY_ADMIN_PASSWORD"));
                assertThat(client.send("GET", "/v2/").statusCode()).isEqualTo(200);
                String digest = client.pushBlob("library/compose-check", "compose".getBytes(StandardCharsets.UTF_8));
                assertThat(s3.admin().listObjectsV2(r -> r.bucket(environment.get("REGISTRY_STORAGE_S3_BUCKET"))).contents())
                        .anySatisfy(o -> assertThat(o.key()).isEqualTo("blobs/sha256/" + digest.substring(7, 9) + "/" + digest.substring(7)));
                try (Connection c = localPostgres(database); Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT count(*) FROM blob WHERE digest = '" + digest + "'")) {
                    assertThat(r.next() && r.getInt(1) == 1).as("the blob's row is in PostgreSQL").isTrue();
                }
            } finally {
                context.close();
            }
        } finally {
            try (Connection admin = localPostgres("postgres"); Statement s = admin.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // compose.yaml and .env

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    private static List<String> volumeTargets(String service) {
        return list(services().get(service).get("volumes")).stream().map(String.class::cast).toList();
    }

    /** The healthcheck command of the registry service, after compose's interpolation. */
    private static List<String> healthcheck() {
        return list(map(services().get("registry").get("healthcheck")).get("test")).stream()
                .map(o -> interpolate((String) o, Map.of(), new TreeSet<>(), false)).toList();
    }

    private static Map<String, String> registryEnvironment(Map<String, String> values) {
        return environment("registry", values);
    }

    /**
     * A service's environment (map or list form) after interpolation with {@code values}; strict when
     * every value is given, so a {@code ${X:?…}} left empty fails as compose would.
     */
    private static Map<String, String> environment(String service, Map<String, String> values) {
        boolean strict = values.values().stream().noneMatch(String::isEmpty);
        Object raw = services().get(service).get("environment");
        Map<String, String> environment = new LinkedHashMap<>();
        if (raw instanceof Map<?, ?> entries) {
            entries.forEach((k, v) -> environment.put((String) k, interpolate(String.valueOf(v), values, new TreeSet<>(), strict)));
        } else {
            for (Object entry : list(raw)) {
                String[] kv = ((String) entry).split("=", 2);
                environment.put(kv[0], interpolate(kv.length > 1 ? kv[1] : "", values, new TreeSet<>(), strict));
            }
        }
        return environment;
    }

    /** Compose's interpolation: {@code $$}, {@code ${X}}, {@code ${X:-d}}, {@code ${X-d}}, {@code ${X:?e}}, {@code $X}. */
    static String interpolate(String text, Map<String, String> values, Set<String> used, boolean strict) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                String name = m.group(1) != null ? m.group(1) : m.group(4);
                used.add(name);
                String value = values.get(name);
                String operator = m.group(2);
                boolean missing = value == null || (operator != null && operator.startsWith(":") && value.isEmpty());
                if (operator != null && operator.endsWith("-")) {
                    replacement = missing ? m.group(3) : value;
                } else if (operator != null && operator.endsWith("?")) {
                    if (missing && strict) {
                        throw new IllegalArgumentException("compose would refuse to start: " + m.group(3));
                    }
                    replacement = value == null ? "" : value;
                } else {
                    replacement = value == null ? "" : value;
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Every string value in the document (keys are not interpolated by compose). */
    private static List<String> strings(Object node) {
        List<String> strings = new ArrayList<>();
        if (node instanceof Map<?, ?> m) {
            m.values().forEach(v -> strings.addAll(strings(v)));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> strings.addAll(strings(v)));
        } else if (node instanceof String s) {
            strings.add(s);
        }
        return strings;
    }

    /** {@code KEY=value} lines; comments and blank lines skipped. */
    static Map<String, String> dotEnv(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] kv = trimmed.split("=", 2);
            assertThat(kv).as(".env.example line %s", line).hasSize(2);
            values.put(kv[0], kv[1]);
        }
        return values;
    }

    /** .env.example with what a user must fill in filled in, as a user following its comments would. */
    private static Map<String, String> filled(Map<String, String> example) {
        Map<String, String> values = new LinkedHashMap<>(example);
        values.put("REGISTRY_IMAGE", "registry.example.com/tools/registry:0.1.0");
        values.put("REGISTRY_ADMIN_PASSWORD", "Compose-Admin-1");
        values.put("POSTGRES_PASSWORD", "postgres-secret");
        values.put("MINIO_ROOT_PASSWORD", "minio-root-secret");
        values.put("S3_SECRET_KEY", "registry-s3-secret");
        values.forEach((k, v) -> assertThat(v).as("%s is filled in", k).isNotEmpty());
        return values;
    }

    // ---------------------------------------------------------------------------------------------
    // Spring's mapping of environment variables

    /** The property an environment variable sets, by Spring Boot's own mapping for the process environment. */
    static Optional<String> propertyOf(String variable, List<Property> metadata) {
        ConfigurationPropertySource source = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "x")));
        for (Property p : metadata) {
            if (!ConfigurationPropertyName.isValid(p.name())) {
                continue;
            }
            ConfigurationPropertyName name = ConfigurationPropertyName.of(p.name());
            if (source.getConfigurationProperty(name) != null
                    || (p.isMap() && source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT)) {
                return Optional.of(p.name());
            }
        }
        return Optional.empty();
    }

    /** The registry in this JVM with {@code environment} as its process environment (beside the real one). */
    private static ConfigurableApplicationContext start(Map<String, String> environment) {
        Map<String, Object> merged = new HashMap<>(System.getenv());
        merged.putAll(environment);
        StandardEnvironment spring = new StandardEnvironment();
        spring.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, merged));
        return new SpringApplicationBuilder(RegistryApplication.class)
                .environment(spring)
                .registerShutdownHook(false)
                .run("--spring.main.banner-mode=off", "--logging.level.root=warn",
                        "--spring.datasource.hikari.maximum-pool-size=4");
    }

    // ---------------------------------------------------------------------------------------------
    // processes and PostgreSQL

    private static Process run(Map<String, String> environment, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "out", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
        }
        OUTPUTS.put(process, Files.readString(out));
        return process;
    }

    private static final Map<Process, String> OUTPUTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String output(Process process) {
        return OUTPUTS.getOrDefault(process, "");
    }

    private static String logged(Path log, String start) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.startsWith(start)).findFirst().orElse("");
    }

    /** A connection to a database of the local PostgreSQL as {@code postgres}; the test is skipped without one. */
    private static Connection localPostgres(String database) {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", "");
        props.setProperty("connectTimeout", "3");
        try {
            return DriverManager.getConnection(LOCAL_POSTGRES + database, props);
        } catch (SQLException e) {
            Assumptions.abort("no PostgreSQL at " + LOCAL_POSTGRES + " for user postgres (.ci/run starts it): " + e.getMessage());
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
