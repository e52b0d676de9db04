package dev.registry.core.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.RegistryException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Which host a pull secret names, which namespace and Secret names it accepts, and the kubectl command alike. */
class PullSecretsTest {

    @Test
    void the_configured_public_url_names_the_registry_whatever_host_the_request_used() {
        assertThat(PullSecrets.registryHost(URI.create("https://registry.example.com"), "10.0.0.5:5000", "10.0.0.5", 5000))
                .isEqualTo("registry.example.com");
        assertThat(PullSecrets.registryHost(URI.create("http://registry.example.com:8443/"), "10.0.0.5:5000", "10.0.0.5", 5000))
                .isEqualTo("registry.example.com:8443");
        assertThat(PullSecrets.registryHost(null, "10.0.0.5:5000", "localhost", 8080)).isEqualTo("10.0.0.5:5000");
        assertThat(PullSecrets.registryHost(null, null, "localhost", 8080)).isEqualTo("localhost:8080");
    }

    @Test
    void a_namespace_is_an_rfc_1123_label_and_defaults_to_default() {
        assertThat(PullSecrets.namespace(null)).isEqualTo("default");
        assertThat(PullSecrets.namespace("team-a")).isEqualTo("team-a");
        for (String bad : new String[] {"Team", "-a", "a-", "a_b", "a.b", "a".repeat(64)}) {
            assertThatThrownBy(() -> PullSecrets.namespace(bad)).as(bad).isInstanceOf(RegistryException.class);
        }
    }

    @Test
    void a_secret_is_named_after_its_robot_in_a_name_kubernetes_accepts() {
        assertThat(PullSecrets.secretName("robot.my_project.puller")).isEqualTo("robot.my-project.puller");
    }

    @Test
    void the_manifest_and_the_kubectl_command_carry_the_same_credentials_for_the_same_host() {
        String yaml = PullSecrets.complete("registry.example.com", "ci", "robot.p.puller", "s3cret");
        String config = new String(Base64.getDecoder().decode(yaml.substring(yaml.indexOf(".dockerconfigjson: ") + 19).strip()),
                StandardCharsets.UTF_8);

        assertThat(yaml).contains("name: robot.p.puller", "namespace: ci", "type: kubernetes.io/dockerconfigjson");
        assertThat(config).contains("\"registry.example.com\"", "\"username\":\"robot.p.puller\"", "\"password\":\"s3cret\"");
        assertThat(PullSecrets.kubectlCommand("registry.example.com", "ci", "robot.p.puller", "s3cret")).isEqualTo(
                "kubectl create secret docker-registry robot.p.puller --namespace=ci --docker-server=registry.example.com"
                        + " --docker-username=robot.p.puller --docker-password=s3cret");
    }
}
