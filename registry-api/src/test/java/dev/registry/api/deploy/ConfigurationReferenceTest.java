package dev.registry.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code docs/configuration.md}, the reference of every {@code registry.*} property, is generated
 * from the configuration metadata ({@code META-INF/spring-configuration-metadata.json}) that
 * {@code spring-boot-configuration-processor} writes while registry-core and registry-api compile:
 * from the {@code @ConfigurationProperties} records (their {@code @param} Javadoc and
 * {@code @DefaultValue}s) and from each module's {@code META-INF/additional-spring-configuration-metadata.json}
 * for the settings read with {@code @Value}. The checked-in file must equal what the metadata gives,
 * so a new, renamed or re-defaulted setting shows up in review, and every {@code ${registry.…}}
 * placeholder in the code must be in the metadata with the default the code uses. Regenerate the
 * file after a deliberate change with
 * {@code ./mvnw -B -pl registry-api -am verify -Dtest=ConfigurationReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dconfiguration.write=true}
 * (after {@code clean} when only an additional metadata file changed: the processor runs only when
 * the module compiles).
 */
public class ConfigurationReferenceTest {

    static final String REGENERATE = "./mvnw -B -pl registry-api -am verify -Dtest=ConfigurationReferenceTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dconfiguration.write=true";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** {@code ${registry.name}} or {@code ${registry.name:default}}; a default may hold a SpEL {@code #{…}}. */
    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\$\\{(registry\\.[a-z0-9.-]+)(?::((?:#\\{[^}]*}|[^}])*))?}");

    /** One property of the configuration metadata. */
    record Property(String name, String type, String defaultValue, String description, String sourceType, URL from) {

        boolean isMap() {
            return type != null && type.startsWith("java.util.Map<");
        }
    }

    @Test
    void docs_configuration_md_equals_the_reference_generated_from_the_metadata() throws IOException {
        // given the reference generated from the metadata the configuration processor wrote
        String generated = reference(registryProperties());
        Path checkedIn = repositoryRoot().resolve("docs/configuration.md");

        // when asked to, the checked-in copy is rewritten
        if (Boolean.getBoolean("configuration.write")) {
            Files.writeString(checkedIn, generated, StandardCharsets.UTF_8);
        }

        // then the two are the same, byte for byte
        assertThat(Files.exists(checkedIn)).as("%s is missing; create it with -Dconfiguration.write=true", checkedIn).isTrue();
        assertThat(Files.readString(checkedIn, StandardCharsets.UTF_8))
                .as("docs/configuration.md differs from the configuration metadata of the code. If the change is intended, "
                        + "regenerate it: %s, and commit docs/configuration.md", REGENERATE)
                .isEqualTo(generated);
    }

    @Test
    void every_registry_property_says_what_it_does() {
        List<Property> properties = registryProperties();

        assertThat(properties).extracting(Property::name)
                .as("the metadata of registry-core and registry-api is on the test classpath")
                .contains("registry.storage.type", "registry.admin.password", "registry.gc.grace", "registry.public-url");
        assertThat(properties).allSatisfy(p -> assertThat(p.description())
                .as("%s has no description: give its record component a @param (or its entry in "
                        + "additional-spring-configuration-metadata.json a description)", p.name())
                .isNotBlank());
    }

    @Test
    void every_registry_placeholder_in_the_code_is_in_the_metadata_with_the_same_default() throws IOException {
        // given every ${registry.…} placeholder in the main sources of every module
        Map<String, Property> known = byName(registryProperties());
        List<String> seen = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(repositoryRoot())) {
            List<Path> java = sources.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/")).toList();
            for (Path file : java) {
                Matcher m = PLACEHOLDER.matcher(Files.readString(file));
                while (m.find()) {
                    String name = m.group(1);
                    String codeDefault = m.group(2);
                    seen.add(name);

                    // then the metadata knows it (so the reference lists it) ...
                    assertThat(known).as("%s reads %s, which is not in the configuration metadata: add it to "
                            + "META-INF/additional-spring-configuration-metadata.json of its module", file.getFileName(), name)
                            .containsKey(name);
                    // ... with the default the code falls back to
                    if (codeDefault != null && !codeDefault.equals("#{null}")) {
                        assertThat(known.get(name).defaultValue())
                                .as("%s falls back to %s=%s, the metadata (and docs/configuration.md) says otherwise",
                                        file.getFileName(), name, codeDefault)
                                .isEqualTo(codeDefault);
                    }
                }
            }
        }
        assertThat(seen).as("the scan finds the @Value placeholders").contains("registry.api.max-body-size", "registry.audit.keep");
    }

    @Test
    void application_properties_sets_no_registry_property_to_other_than_its_documented_default() {
        // the effective default of a property is application.properties' value when it sets one
        Map<String, Property> known = byName(registryProperties());
        Map<String, String> registry = new TreeMap<>(applicationProperties());
        registry.keySet().removeIf(key -> !key.startsWith("registry."));

        assertThat(registry).as("application.properties sets registry properties").isNotEmpty();
        registry.forEach((key, value) -> {
            assertThat(known).as("application.properties sets %s, which no code reads", key).containsKey(key);
            assertThat(known.get(key).defaultValue())
                    .as("application.properties sets %s=%s; make the code's default the same so docs/configuration.md is true", key, value)
                    .isEqualTo(value);
        });
    }

    @Test
    void the_log_lines_request_id_keeps_the_space_after_it() {
        // (a properties file loses a plain trailing space to editors: application.properties writes it as \u0020)
        assertThat(applicationProperties()).containsEntry("logging.pattern.correlation", "[%X{requestId:-}] ");
    }

    @Test
    void each_documented_environment_variable_binds_to_its_property() {
        // Spring's own mapping of environment variables, not a copy of its rules
        for (Property p : registryProperties()) {
            String variable = environmentVariable(p.name());
            var source = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource("env", Map.of(variable, "x")));
            assertThat(source.getConfigurationProperty(ConfigurationPropertyName.of(p.name())))
                    .as("%s sets %s", variable, p.name()).isNotNull();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // the metadata

    /** Every property of every configuration metadata file on the classpath (Spring Boot's own included). */
    static List<Property> allProperties() {
        List<Property> all = new ArrayList<>();
        try {
            for (URL url : Collections.list(ConfigurationReferenceTest.class.getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = url.openStream()) {
                    JsonNode properties = JSON.readTree(in).get("properties");
                    if (properties == null) {
                        continue;
                    }
                    for (JsonNode p : properties) {
                        all.add(new Property(p.get("name").asString(), text(p, "type"), text(p, "defaultValue"),
                                text(p, "description"), text(p, "sourceType"), url));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** The {@code registry.*} properties, by name. Two modules describing one name must agree. */
    static List<Property> registryProperties() {
        Map<String, Property> byName = new TreeMap<>();
        for (Property p : allProperties()) {
            if (!p.name().startsWith("registry.")) {
                continue;
            }
            Property earlier = byName.putIfAbsent(p.name(), p);
            if (earlier != null) {
                assertThat(List.of(p.type(), String.valueOf(p.defaultValue())))
                        .as("%s is described differently in %s and %s", p.name(), earlier.from(), p.from())
                        .isEqualTo(List.of(earlier.type(), String.valueOf(earlier.defaultValue())));
            }
        }
        return List.copyOf(byName.values());
    }

    private static Map<String, Property> byName(List<Property> properties) {
        return properties.stream().collect(Collectors.toMap(Property::name, p -> p, (a, b) -> a, TreeMap::new));
    }

    /** A value node as text; numbers and booleans as JSON writes them ({@code 0.1}, {@code false}). */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.isValueNode() ? value.asString() : value.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // the reference

    /** The environment variable of a property as README and the chart write it: upper case, {@code .} and {@code -} as {@code _}. */
    static String environmentVariable(String property) {
        return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    static String reference(List<Property> properties) {
        StringBuilder md = new StringBuilder();
        md.append("""
                # Configuration reference

                <!-- Generated by ConfigurationReferenceTest from the configuration metadata; do not edit by hand. -->

                Every `registry.*` property the registry reads. This page is generated from the configuration
                metadata (`META-INF/spring-configuration-metadata.json`) that `spring-boot-configuration-processor`
                writes while registry-core and registry-api compile: from the `@ConfigurationProperties` records (the
                description is the record component's `@param` Javadoc, the default its `@DefaultValue`) and, for the
                few settings read with `@Value`, from each module's `META-INF/additional-spring-configuration-metadata.json`.
                `ConfigurationReferenceTest` fails when this page and the code disagree, and when a `${registry.…}`
                placeholder in the code is missing from the metadata or falls back to another default. After a
                deliberate change, regenerate it:

                ```bash
                %s
                ```

                Every property is also an environment variable, by Spring Boot's relaxed binding: upper case, `.` and
                `-` become `_` (`registry.storage.s3.path-style` is `REGISTRY_STORAGE_S3_PATH_STYLE`). A secret can be a
                file instead, named after its property, in a folder Spring reads as a config tree
                (`SPRING_CONFIG_IMPORT=optional:configtree:/etc/registry/secrets/`; see `docs/deploy.md`, "Configuration").
                Durations take a unit (`30s`, `5m`, `24h`, `7d`), data sizes one of `B`, `KB`, `MB`, `GB` (`8MB`).

                Spring Boot's own properties (`server.*`, `spring.datasource.*`, `spring.profiles.active`,
                `management.*`, `logging.*`) are Spring Boot's reference; the ones the registry sets or relies on are in
                README.md, "Configuration", and in `registry-api/src/main/resources/application.properties`.
                """.formatted(REGENERATE));
        Map<String, List<Property>> groups = new LinkedHashMap<>();
        for (Property p : properties) {
            String[] parts = p.name().split("\\.");
            String group = parts.length > 2 ? parts[0] + "." + parts[1] : p.name();
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(p);
        }
        groups.forEach((group, members) -> {
            md.append("\n## `").append(group).append("`\n\n");
            md.append("| property | environment variable | type | default | description |\n");
            md.append("|---|---|---|---|---|\n");
            for (Property p : members) {
                md.append("| `").append(p.name()).append("` | `").append(environmentVariable(p.name())).append("` | ")
                        .append(type(p)).append(" | ").append(defaultValue(p)).append(" | ")
                        .append(cell(p.description())).append(" |\n");
            }
        });
        return md.toString();
    }

    private static String type(Property p) {
        if (p.type() == null) {
            return "see source";
        }
        String simple = switch (p.type()) {
            case "java.lang.String" -> "string";
            case "java.lang.Boolean", "boolean" -> "boolean";
            case "java.lang.Integer", "int", "java.lang.Long", "long" -> "integer";
            case "java.lang.Double", "double" -> "number";
            case "java.time.Duration" -> "duration";
            case "org.springframework.util.unit.DataSize" -> "data size";
            case "java.net.URI" -> "URL";
            case "java.nio.file.Path" -> "path";
            default -> null;
        };
        if (simple != null) {
            return simple;
        }
        try {
            Class<?> type = Class.forName(p.type());
            if (type.isEnum()) {
                return "one of " + Arrays.stream(type.getEnumConstants())
                        .map(c -> "`" + c.toString().toLowerCase(Locale.ROOT) + "`").collect(Collectors.joining(", "));
            }
        } catch (ClassNotFoundException e) {
            // a generic or unknown type: printed as the metadata names it
        }
        return "`" + p.type().replace("|", "\\|") + "`";
    }

    /**
     * The metadata's default; "none" when the property has none (unset), and "see source" when the
     * code has one that the processor could not write into the metadata.
     */
    private static String defaultValue(Property p) {
        if (p.defaultValue() != null) {
            return p.defaultValue().isEmpty() ? "empty" : "`" + p.defaultValue().replace("|", "\\|") + "`";
        }
        return hasDefaultInSource(p) ? "see source (`" + p.sourceType() + "`)" : "none";
    }

    /** Whether the record component behind {@code p} carries a {@code @DefaultValue}. */
    private static boolean hasDefaultInSource(Property p) {
        if (p.sourceType() == null) {
            return true; // nothing to look at: do not claim there is no default
        }
        try {
            Class<?> source = Class.forName(p.sourceType());
            if (!source.isRecord()) {
                return true;
            }
            String last = p.name().substring(p.name().lastIndexOf('.') + 1);
            RecordComponent[] components = source.getRecordComponents();
            Parameter[] parameters = source.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new)).getParameters();
            for (int i = 0; i < components.length; i++) {
                String kebab = components[i].getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
                if (kebab.equals(last)) {
                    return parameters[i].isAnnotationPresent(DefaultValue.class);
                }
            }
            return true; // a component the metadata names differently: do not claim there is no default
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Javadoc to Markdown for a table cell: {@code {@code x}} as code, {@code {@link X}} as its name. */
    private static String cell(String description) {
        if (description == null || description.isBlank()) {
            return "";
        }
        String text = description.replaceAll("\\s+", " ").trim()
                .replaceAll("\\{@code ([^}]*)}", "`$1`")
                .replaceAll("\\{@link(?:plain)? ([^}]*)}", "`$1`")
                .replace("|", "\\|");
        return text.endsWith(".") ? text : text + ".";
    }

    // ---------------------------------------------------------------------------------------------
    // files of the repository

    /** The repository's root, found from the module directory the tests run in. */
    public static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/architecture.md"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no docs/architecture.md above " + Path.of("").toAbsolutePath());
    }

    /** registry-api's application.properties, as Spring Boot reads it. */
    private static Map<String, String> applicationProperties() {
        Path file = repositoryRoot().resolve("registry-api/src/main/resources/application.properties");
        try {
            Map<String, String> properties = new TreeMap<>();
            for (PropertySource<?> source : new PropertiesPropertySourceLoader().load("application", new FileSystemResource(file))) {
                for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
                    properties.put(name, String.valueOf(source.getProperty(name)));
                }
            }
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
