package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.RegistryException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** Which host a pull secret names, and which namespace and Secret names it accepts. */
class PullSecretsTest {

    @Test
    void the_configured_public_url_names_the_registry_whatever_host_the_request_used() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Host", "10.0.0.5:5000");

        assertThat(new PullSecrets(new ManagementProperties(URI.create("https://registry.example.com"))).registryHost(request))
                .isEqualTo("registry.example.com");
        assertThat(new PullSecrets(new ManagementProperties(URI.create("http://registry.example.com:8443/"))).registryHost(request))
                .isEqualTo("registry.example.com:8443");
        assertThat(new PullSecrets(new ManagementProperties(null)).registryHost(request)).isEqualTo("10.0.0.5:5000");
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
}
