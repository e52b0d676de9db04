package dev.registry.api.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
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
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * ISSUE-12 "The Docker CLI's login": the {@code docker} client binary, with no daemon, signs in to
 * the registry ({@code docker login --password-stdin}) as a user and as a robot (token auth),
 * refuses a wrong password. The robot signs in with the name and secret decoded from the Kubernetes
 * pull Secret the API handed out when the robot was made, and docker then stores in its
 * {@code config.json} exactly that name and secret (robots get no refresh token). A user's login
 * stores the name and, in place of the password, the refresh token our token service returned
 * (its {@code identitytoken}), which signs in as that user (see {@link #assertStoredLoginOf}). Each login
 * gets its own {@code DOCKER_CONFIG} folder, so nothing of the machine's docker configuration is
 * read or written.
 */
@RegistryIntegrationTest
class DockerLoginClientTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    @TempDir
    static Path work;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @BeforeAll
    static void dockerIsInstalled() {
        // the docker CLI is not a Debian package CI installs (docker.io would bring a daemon): skip without it
        Assumptions.assumeTrue(Cli.onPath("docker"),
                "the docker CLI is not on PATH; install the docker client binary to run this real-client test");
    }

    /** {@code docker login 127.0.0.1:PORT -u user --password-stdin} with its own {@code DOCKER_CONFIG}. */
    private Cli.Result login(Path config, String user, String password) {
        try {
            Files.createDirectories(config);
            Path secret = Files.writeString(config.resolveSibling(config.getFileName() + ".pw"), password);
            return Cli.run(TIMEOUT, Map.of("DOCKER_CONFIG", config.toString()), work,
                    "sh", "-c", "exec docker login \"$1\" -u \"$2\" --password-stdin < \"$3\"", "sh",
                    "127.0.0.1:" + port, user, secret.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What docker stored for this registry: {@code auths["127.0.0.1:PORT"]} of {@code config.json}. */
    private JsonNode stored(Path config) throws IOException {
        String json = Files.readString(config.resolve("config.json"));
        JsonNode entry = ImageLayout.JSON.readTree(json).path("auths").path("127.0.0.1:" + port);
        assertThat(entry.isMissingNode()).as("config.json has an entry for 127.0.0.1:%s: %s", port, json).isFalse();
        return entry;
    }

    private static String decoded(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /**
     * Docker's login runs the OAuth2 password grant with {@code access_type=offline}; as our token
     * service answers with a refresh token, docker stores {@code auth} = base64 {@code name:} (the
     * password left out) plus that refresh token as {@code identitytoken}, never the password
     * (docker/cli "credentials store": an identity token replaces the password). Checks that the
     * stored name is {@code name} and that the identity token signs in as {@code name}: a
     * {@code refresh_token} grant with it yields an access token whose subject is {@code name}.
     */
    private void assertStoredLoginOf(Path config, String name) throws IOException {
        JsonNode entry = stored(config);
        assertThat(decoded(entry.path("auth").asString())).isEqualTo(name + ":");
        String identityToken = entry.path("identitytoken").asString();
        assertThat(identityToken).as("identitytoken in %s", entry).isNotBlank();

        String challenge = RegistryClient.anonymous(port).send("GET", "/v2/").headers()
                .firstValue("WWW-Authenticate").orElseThrow();
        Matcher service = Pattern.compile("service=\"([^\"]*)\"").matcher(challenge);
        assertThat(service.find()).as(challenge).isTrue();
        String form = "grant_type=refresh_token&client_id=docker&service=" + enc(service.group(1))
                + "&refresh_token=" + enc(identityToken) + "&scope=" + enc("registry:catalog:*");
        HttpResponse<String> granted = RegistryClient.anonymous(port).send("POST", "/service/token",
                form.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
        String accessToken = ImageLayout.JSON.readTree(granted.body()).path("access_token").asString();
        String payload = new String(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(ImageLayout.JSON.readTree(payload).path("sub").asString()).as(payload).isEqualTo(name);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void aUserLogsInWithThePasswordAndIsRefusedAWrongOne() throws IOException {
        AccessFixture fixture = AccessFixture.create(context);
        String[] developer = fixture.credentials("developer").split(":", 2);

        Cli.Result ok = login(work.resolve("user"), developer[0], developer[1]).assertSuccess();
        assertThat(ok.stdout()).contains("Login Succeeded");
        assertStoredLoginOf(work.resolve("user"), developer[0]);

        Cli.Result wrong = login(work.resolve("user-wrong"), developer[0], developer[1] + "x");
        assertThat(wrong.exitCode()).as(wrong.stderr()).isNotZero();
        assertThat(wrong.stdout()).doesNotContain("Login Succeeded");
        Path wrongConfig = work.resolve("user-wrong").resolve("config.json");
        assertThat(Files.exists(wrongConfig) && Files.readString(wrongConfig).contains("127.0.0.1:" + port)).isFalse();
    }

    @Test
    void aRobotLogsInWithTheSecretOfItsPullSecretAndDockerStoresExactlyThoseCredentials() throws IOException {
        AccessFixture fixture = AccessFixture.create(context);
        HttpResponse<String> response = new RegistryClient(port).send("POST",
                "/api/v1/projects/" + fixture.project + "/robots?namespace=apps",
                "{\"name\":\"docker-login\",\"permissions\":[\"pull\"]}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode created = ImageLayout.JSON.readTree(response.body());

        // the credentials as the Kubernetes Secret carries them (kubernetes.io/dockerconfigjson)
        Map<String, Object> secret = new Yaml().load(created.path("pullSecretYaml").asString());
        String dockerConfigJson = new String(Base64.getDecoder().decode(
                (String) ((Map<?, ?>) secret.get("data")).get(".dockerconfigjson")), StandardCharsets.UTF_8);
        JsonNode auths = ImageLayout.JSON.readTree(dockerConfigJson).path("auths");
        assertThat(auths.size()).as(dockerConfigJson).isEqualTo(1);
        JsonNode entry = auths.valueStream().findFirst().orElseThrow();
        String fromSecret = decoded(entry.path("auth").asString());
        String[] robot = fromSecret.split(":", 2);
        assertThat(robot[0]).isEqualTo(created.path("robot").path("name").asString());
        assertThat(robot[1]).isEqualTo(created.path("secret").asString());

        Cli.Result ok = login(work.resolve("robot"), robot[0], robot[1]).assertSuccess();
        assertThat(ok.stdout()).contains("Login Succeeded");
        // docker keeps exactly the credentials of the Secret: robots get no refresh token, so no identity
        // token takes the secret's place
        JsonNode stored = stored(work.resolve("robot"));
        assertThat(stored.path("auth").asString()).isEqualTo(entry.path("auth").asString());
        assertThat(decoded(stored.path("auth").asString())).isEqualTo(fromSecret);
        assertThat(stored.has("identitytoken")).as("identitytoken in %s", stored).isFalse();

        Cli.Result wrong = login(work.resolve("robot-wrong"), robot[0], robot[1] + "x");
        assertThat(wrong.exitCode()).as(wrong.stderr()).isNotZero();
        assertThat(wrong.stdout()).doesNotContain("Login Succeeded");
    }
}
