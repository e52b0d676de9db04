package dev.registry.api.aot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.deploy.ConfigurationReferenceTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.env.MockEnvironment;

/**
 * When the registry starts from the bean definitions generated at build time (Spring AOT), which freezes every
 * condition at the build's values: AotMode must refuse whenever a setting that decides a condition differs from the
 * build, and the list of such settings must cover every setting the registry documents.
 */
class AotModeTest {

    private static final String BUILD_VALUES = """
            management-port-type=SAME
            management.endpoint.health.probes.enabled=true
            management.endpoints.web.exposure.include=health,info,prometheus
            spring.datasource.url=set
            spring.threads.virtual.enabled=true
            """;

    @Test
    void aPackagedBuildStartsFromTheGeneratedDefinitionsWhenTheSettingsAreTheBuilds() {
        assertThat(AotMode.refusal(buildDefaults(), packaged())).isNull();
        assertThat(AotMode.refusal(buildDefaults().withProperty("server.port", "5001")
                .withProperty("spring.datasource.url", "jdbc:postgresql://db/registry")
                .withProperty("management.server.port", "5001"), packaged()))
                .as("a management port equal to the registry's is the same server").isNull();
    }

    @Test
    void aManagementPortOfItsOwnStartsTheRegularWay() {
        // the Helm chart and the compose file set MANAGEMENT_SERVER_PORT=9090: the generated definitions hold no
        // management server, and Spring would silently open none
        assertThat(AotMode.refusal(buildDefaults().withProperty("management.server.port", "9090"), packaged()))
                .contains("management.server.port=9090 (a management server of its own)");
        assertThat(AotMode.refusal(buildDefaults().withProperty("management.server.port", "-1"), packaged()))
                .contains("management.server.port=-1 (a management server turned off)");
    }

    @Test
    void anySettingThatDecidesAConditionDifferingFromTheBuildStartsTheRegularWay() {
        assertThat(AotMode.refusal(buildDefaults().withProperty("server.forward-headers-strategy", "framework"), packaged()))
                .contains("server.forward-headers-strategy=framework (unset in the build)");
        assertThat(AotMode.refusal(buildDefaults().withProperty("spring.threads.virtual.enabled", "false"), packaged()))
                .contains("spring.threads.virtual.enabled=false (the build's: true)");
        assertThat(AotMode.refusal(buildDefaults().withProperty("management.endpoints.web.exposure.include", "*"),
                packaged())).contains("management.endpoints.web.exposure.include=*");
    }

    @Test
    void aDatabaseUrlCountsAsSetWhateverItNames() {
        // DataSourceAutoConfiguration only asks whether a URL is set (pooled, not embedded)
        assertThat(AotMode.refusal(buildDefaults().withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/registry"),
                packaged())).isNull();
        MockEnvironment unset = new MockEnvironment().withProperty("management.endpoint.health.probes.enabled", "true")
                .withProperty("management.endpoints.web.exposure.include", "health,info,prometheus")
                .withProperty("spring.threads.virtual.enabled", "true");
        assertThat(AotMode.refusal(unset, packaged())).contains("spring.datasource.url=null (the build's: set)");
    }

    @Test
    void onlyTheFrameworkStrategyOfForwardedHeadersDecidesAConditionTheChartsNativeDoesNot() {
        // the Helm chart sets SERVER_FORWARD_HEADERS_STRATEGY=native (Tomcat's valve, configured at run time)
        assertThat(AotMode.refusal(buildDefaults().withProperty("server.forward-headers-strategy", "native"), packaged()))
                .isNull();
        assertThat(AotMode.refusal(buildDefaults().withProperty("server.forward-headers-strategy", "FRAMEWORK"),
                packaged())).contains("server.forward-headers-strategy=FRAMEWORK (unset in the build)");
    }

    @Test
    void springAotEnabledFalseAlwaysStartsTheRegularWay() {
        assertThat(AotMode.refusal(buildDefaults().withProperty("spring.aot.enabled", "false"), packaged()))
                .isEqualTo("spring.aot.enabled is false");
    }

    @Test
    void aClassFolderOrABuildWithoutGeneratedClassesStartsTheRegularWay() throws MalformedURLException {
        // spring-boot:run and the tests' processes: target/classes may hold generated classes older than the code
        URL folder = URI.create("file:/checkout/registry-api/target/classes/dev/registry/api/"
                + "RegistryApplication__ApplicationContextInitializer.class").toURL();
        assertThat(AotMode.refusal(buildDefaults(), new Resources(folder, BUILD_VALUES))).startsWith("it runs from a class folder");
        assertThat(AotMode.refusal(buildDefaults(), new Resources(null, null)))
                .isEqualTo("this build has no AOT-generated classes");
    }

    /**
     * The settings that README and docs/ tell operators to set, as environment variables: none may decide a condition
     * of the registry's context unless AotMode compares it with the build's value. Checked against the conditions this
     * context evaluated (their messages name the properties they read), and none of the registry's own beans may be
     * conditional at all (a condition on a setting would be frozen at build time).
     */
    @Nested
    @RegistryIntegrationTest
    class AgainstTheConditions {

        @Autowired
        ConfigurableApplicationContext context;

        @Test
        void noDocumentedSettingDecidesAConditionUnlessAotModeComparesIt() throws IOException {
            ConditionEvaluationReport report = ConditionEvaluationReport.get(context.getBeanFactory());
            Map<String, ConditionEvaluationReport.ConditionAndOutcomes> outcomes = report.getConditionAndOutcomesBySource();
            assertThat(outcomes.keySet()).as("conditional beans or configurations of the registry's own code")
                    .noneMatch(source -> source.startsWith("dev.registry."));

            Set<String> compared = Stream.concat(AotMode.CONDITION_INPUTS.keySet().stream(), Stream.of("management.server.port"))
                    .map(AotModeTest::canonical).collect(Collectors.toSet());
            Set<String> read = new TreeSet<>();
            Pattern property = Pattern.compile("[a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)+");
            outcomes.values().forEach(conditions -> conditions.forEach(condition -> {
                Matcher matcher = property.matcher(condition.getOutcome().getMessage());
                while (matcher.find()) {
                    read.add(canonical(matcher.group()));
                }
            }));
            assertThat(read).as("properties named by the context's condition outcomes").contains(
                    canonical("spring.datasource.url"), canonical("management.endpoint.health.probes.enabled"));

            Set<String> documented = documentedSettings();
            assertThat(documented).as("settings documented as environment variables").contains(
                    canonical("management.server.port"), canonical("spring.datasource.url"));
            Set<String> uncompared = new TreeSet<>(documented);
            uncompared.retainAll(read);
            uncompared.removeAll(compared);
            assertThat(uncompared).as("documented settings that decide a condition but that AotMode.CONDITION_INPUTS"
                    + " does not compare with the build's values").isEmpty();
        }
    }

    /** Every SPRING_/SERVER_/MANAGEMENT_/LOGGING_/REGISTRY_ variable named in README.md, docs/ and deploy/. */
    private static Set<String> documentedSettings() throws IOException {
        Path root = ConfigurationReferenceTest.repositoryRoot();
        Pattern variable = Pattern.compile("\\b(?:SPRING|SERVER|MANAGEMENT|LOGGING|REGISTRY)_[A-Z0-9_]*[A-Z0-9]");
        Set<String> settings = new TreeSet<>();
        try (Stream<Path> files = Stream.concat(Stream.of(root.resolve("README.md")),
                Stream.concat(Files.walk(root.resolve("docs")), Files.walk(root.resolve("deploy"))))) {
            files.filter(Files::isRegularFile).filter(file -> !file.toString().contains("benchmark-runs")).forEach(file -> {
                try {
                    Matcher matcher = variable.matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
                    while (matcher.find()) {
                        settings.add(canonical(matcher.group()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return settings;
    }

    /** A property or environment variable name as relaxed binding compares them: lower case, no separators. */
    private static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[._-]", "");
    }

    /** The values application.properties gives the condition inputs (what the build saw). */
    private static MockEnvironment buildDefaults() {
        return new MockEnvironment().withProperty("management.endpoint.health.probes.enabled", "true")
                .withProperty("management.endpoints.web.exposure.include", "health,info,prometheus")
                .withProperty("spring.threads.virtual.enabled", "true")
                .withProperty("spring.datasource.url", "jdbc:h2:file:./data/db/registry");
    }

    private static ClassLoader packaged() {
        try {
            return new Resources(URI.create("jar:file:/opt/registry/registry.jar!/dev/registry/api/"
                    + "RegistryApplication__ApplicationContextInitializer.class").toURL(), BUILD_VALUES);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A class loader that has (or lacks) the generated initializer at {@code initializer} and the build's values. */
    private static final class Resources extends ClassLoader {
        private final URL initializer;
        private final String buildValues;

        Resources(URL initializer, String buildValues) {
            super(null);
            this.initializer = initializer;
            this.buildValues = buildValues;
        }

        @Override
        public URL getResource(String name) {
            return name.endsWith("__ApplicationContextInitializer.class") ? initializer : null;
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            return name.equals(AotMode.BUILD_VALUES) && buildValues != null
                    ? new ByteArrayInputStream(buildValues.getBytes(StandardCharsets.ISO_8859_1)) : null;
        }
    }
}
