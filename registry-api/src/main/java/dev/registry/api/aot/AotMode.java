package dev.registry.api.aot;

import dev.registry.api.RegistryApplication;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Whether the registry starts from the bean definitions that Spring's AOT processing generated at build time
 * ({@code process-aot} of registry-api/pom.xml: {@code RegistryApplication__ApplicationContextInitializer} and a
 * {@code __BeanDefinitions} class per bean) instead of scanning the class path, parsing the configuration classes and
 * evaluating their conditions at every start: about 0.9 s less start-up and 25 MiB less resident memory on 2 cores
 * (docs/benchmarks.md, "Spring AOT at start-up"). Spring only does so when told ({@code spring.aot.enabled}); this listener, which
 * {@link RegistryApplication#application()} adds, tells it when all of these hold, and logs why not otherwise:
 * <ul>
 * <li>the registry runs from its packaged jar (the layout's {@code registry.jar}, the fat jar, the image's). From a
 * class folder ({@code spring-boot:run}, the tests' processes) the generated classes may be older than the code;</li>
 * <li>the generated classes are there (a build with AOT processing);</li>
 * <li>{@code spring.aot.enabled} is not {@code false} ({@code SPRING_AOT_ENABLED=false} always starts the regular
 * way);</li>
 * <li>every setting that the conditions of Spring Boot's auto-configuration read and that an operator may set
 * ({@link #CONDITION_INPUTS}, the management port) has the value it had when the definitions were generated (as far as
 * a condition sees it), recorded in
 * {@link #BUILD_VALUES} by {@link BuildValues}: the definitions hold the beans those values chose. Setting
 * {@code MANAGEMENT_SERVER_PORT} means a management server of its own: the jar's definitions are made without one
 * (README's default), the container image's with one ({@code -Paot-management-port}, as the Helm chart and the
 * compose file run it), and a start that differs takes the regular way.</li>
 * </ul>
 * A JVM started with {@code -Dspring.aot.enabled=true} against one of these rules does not start: Spring would fail
 * obscurely or silently leave out what a setting asks for (the management port's server, say).
 */
public final class AotMode implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    /** Spring's switch ({@link AotDetector#AOT_ENABLED}), also read from the environment here. */
    static final String ENABLED = AotDetector.AOT_ENABLED;
    /**
     * The settings the conditions of the auto-configuration in use read, among those an operator sets (README,
     * docs/deploy.md, the Helm chart, the compose file) or might, besides the management port (compared by its kind),
     * each with what of its value a condition sees: which endpoints are exposed and the health probes, the forwarded
     * headers' strategy (only {@code framework} adds a filter: the chart's {@code native} is the build's unset),
     * virtual threads, Flyway, H2's console, the kind of application, and whether a datasource URL is set (a pooled
     * {@code DataSource} rather than an embedded database, whichever database it names). {@code AotModeTest} checks
     * that no other documented setting decides a condition.
     */
    static final Map<String, UnaryOperator<String>> CONDITION_INPUTS = Map.ofEntries(
            Map.entry("management.endpoints.web.exposure.include", UnaryOperator.identity()),
            Map.entry("management.endpoints.web.exposure.exclude", UnaryOperator.identity()),
            Map.entry("management.endpoint.health.probes.enabled", UnaryOperator.identity()),
            Map.entry("server.forward-headers-strategy", value -> value.trim().equalsIgnoreCase("framework") ? "framework" : null),
            Map.entry("spring.threads.virtual.enabled", UnaryOperator.identity()),
            Map.entry("spring.flyway.enabled", UnaryOperator.identity()),
            Map.entry("spring.h2.console.enabled", UnaryOperator.identity()),
            Map.entry("spring.main.web-application-type", UnaryOperator.identity()),
            Map.entry("spring.datasource.url", value -> StringUtils.hasText(value) ? "set" : null));
    /** {@link #conditionValues} at build time, written by {@link BuildValues} into the jar. */
    static final String BUILD_VALUES = "META-INF/registry/aot-build.properties";
    private static final String MANAGEMENT_PORT_TYPE = "management-port-type";
    private static final String INITIALIZER = RegistryApplication.class.getName() + "__ApplicationContextInitializer";
    private static final Logger log = LoggerFactory.getLogger(AotMode.class);

    @Override
    public int getOrder() {
        // after the environment post-processors and the logging system's set-up (both listen to the same event)
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (Boolean.getBoolean("spring.aot.processing")) {
            return; // the build's AOT processing itself runs the regular way
        }
        Environment environment = event.getEnvironment();
        String jvmFlag = SpringProperties.getProperty(ENABLED);
        if (jvmFlag != null && !Boolean.parseBoolean(jvmFlag)) {
            return;
        }
        String refusal = refusal(environment, event.getSpringApplication().getClassLoader());
        if (jvmFlag != null) {
            if (refusal != null) {
                throw new IllegalStateException("-D" + ENABLED + "=true, but the registry cannot start from the build's"
                        + " AOT-generated bean definitions: " + refusal + ". Leave " + ENABLED + " unset (the registry"
                        + " decides) or set it to false");
            }
            return;
        }
        if (refusal != null) {
            log.info("Starting without the build's AOT-generated bean definitions: {}", refusal);
            return;
        }
        SpringProperties.setFlag(ENABLED);
    }

    /** Why this start cannot use the generated definitions, or null when it can. */
    static String refusal(Environment environment, ClassLoader classLoader) {
        if (!environment.getProperty(ENABLED, Boolean.class, true)) {
            return ENABLED + " is false";
        }
        // a resource lookup, not the class's code source: a class from the JDK's AOT cache has none
        URL initializer = classLoader.getResource(INITIALIZER.replace('.', '/') + ".class");
        if (initializer == null) {
            return "this build has no AOT-generated classes";
        }
        if (initializer.getProtocol().equals("file")) {
            return "it runs from a class folder (" + initializer + "), whose generated classes may be older than the"
                    + " code: only a packaged jar starts from them";
        }
        Properties build = buildValues(classLoader);
        Properties now = conditionValues(environment);
        List<String> differing = new ArrayList<>();
        for (String key : union(build, now)) {
            if (Objects.equals(build.getProperty(key), now.getProperty(key))) {
                continue;
            }
            String setting = key.equals(MANAGEMENT_PORT_TYPE) ? "management.server.port" : key;
            differing.add(setting + "=" + environment.getProperty(setting) + switch (key) {
                case MANAGEMENT_PORT_TYPE -> switch (now.getProperty(key)) {
                    case "DIFFERENT" -> " (a management server of its own)";
                    case "DISABLED" -> " (a management server turned off)";
                    default -> " (the actuator on the registry's port)";
                };
                default -> build.getProperty(key) == null ? " (unset in the build)"
                        : " (the build's: " + build.getProperty(key) + ")";
            });
        }
        return differing.isEmpty() ? null : String.join(", ", differing) + ": the generated definitions hold the beans"
                + " that the build's values chose";
    }

    /**
     * What of {@code environment} decides conditions: what the conditions see of {@link #CONDITION_INPUTS}, and the
     * management port's kind (Spring Boot compares it with the registry's).
     */
    static Properties conditionValues(Environment environment) {
        Properties values = new Properties();
        CONDITION_INPUTS.forEach((key, seen) -> {
            String value = environment.getProperty(key);
            String decisive = value == null ? null : seen.apply(value);
            if (decisive != null) {
                values.setProperty(key, decisive);
            }
        });
        values.setProperty(MANAGEMENT_PORT_TYPE, ManagementPortType.get(environment).name());
        return values;
    }

    private static Set<String> union(Properties a, Properties b) {
        Set<String> keys = new TreeSet<>(a.stringPropertyNames());
        keys.addAll(b.stringPropertyNames());
        return keys;
    }

    private static Properties buildValues(ClassLoader classLoader) {
        Properties values = new Properties();
        try (InputStream in = classLoader.getResourceAsStream(BUILD_VALUES)) {
            if (in != null) {
                values.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    /**
     * At build time (Spring's AOT processing, registered in {@code META-INF/spring/aot.factories}): records the
     * {@link #conditionValues} that the generated definitions were decided with, in {@link #BUILD_VALUES}.
     */
    public static final class BuildValues implements BeanFactoryInitializationAotProcessor {

        @Override
        public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
            if (beanFactory.getParentBeanFactory() != null) {
                return null; // a management server of its own is a child context: the registry's context records them
            }
            Properties values = conditionValues(beanFactory.getBean(Environment.class));
            return (generationContext, code) -> {
                StringWriter text = new StringWriter();
                text.write("# settings that decided conditions when the AOT-generated bean definitions were made (AotMode)\n");
                try {
                    StringWriter stored = new StringWriter();
                    values.store(stored, null);
                    stored.toString().lines().filter(line -> !line.startsWith("#")).sorted()
                            .forEach(line -> text.write(line + "\n"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                generationContext.getGeneratedFiles().addResourceFile(BUILD_VALUES, text.toString());
            };
        }
    }
}
