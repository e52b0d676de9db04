package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.proxy.Endpoint;
import dev.registry.core.proxy.EndpointService;
import dev.registry.core.proxy.ProxyPolicy;
import dev.registry.core.proxy.ProxySecrets;
import dev.registry.core.proxy.ProxyService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Registry endpoints and proxy projects in the database (issue 16): credentials encrypted at rest and encrypted again
 * after a key rotation, an endpoint in use kept, one project per mirrored host, the settings the pull path reads.
 */
abstract class ProxyScenarios extends DatabaseScenarios {

    /** The key of the test configuration (src/test/resources/application.yaml). */
    static final String TEST_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    @Autowired
    EndpointService endpoints;
    @Autowired
    ProxyService proxies;
    @Autowired
    JdbcClient jdbcClient;
    @Autowired
    ApplicationEventPublisher events;

    private static String unique(String stem) {
        return stem + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    @Test
    void a_secret_is_stored_encrypted_and_decrypts_for_the_proxy_only() {
        Endpoint created = endpoints.create(new EndpointService.Spec(unique("hub"), "https://Registry.Example.com:5000/",
                "me", "s3cret-token", null), "tester");
        assertThat(created.url()).hasToString("https://registry.example.com:5000");
        assertThat(created.hasSecret()).isTrue();
        assertThat(created.verifyTls()).isTrue();
        assertThat(created.registryHost()).isEqualTo("registry.example.com:5000");
        String stored = jdbc.queryForObject("SELECT secret FROM registry_endpoint WHERE id = ?", String.class, created.id());
        assertThat(stored).doesNotContain("s3cret-token");
        assertThat(endpoints.credentials(created.id())).isEqualTo(new EndpointService.Credentials("me", "s3cret-token"));
        assertThat(endpoints.credentials(created.id()).toString()).doesNotContain("s3cret-token");

        // an empty secret removes it, an empty username too
        Endpoint changed = endpoints.update(created.name(), new EndpointService.Spec(null, null, "", "", false));
        assertThat(changed.hasSecret()).isFalse();
        assertThat(changed.username()).isNull();
        assertThat(changed.verifyTls()).isFalse();
        assertThat(endpoints.credentials(created.id()).isEmpty()).isTrue();
    }

    @Test
    void after_a_key_rotation_every_secret_is_encrypted_again_with_the_new_key() {
        Endpoint created = endpoints.create(new EndpointService.Spec(unique("rot"), "https://r.example.com", "u", "old-secret", null),
                "tester");
        String before = jdbc.queryForObject("SELECT secret FROM registry_endpoint WHERE id = ?", String.class, created.id());

        String newKey = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
        ProxySecrets rotated = ProxySecrets.of(policy(newKey, List.of(TEST_KEY)));
        EndpointService afterRotation = new EndpointService(jdbcClient, rotated, events);
        assertThat(afterRotation.credentials(created.id()).secret()).isEqualTo("old-secret"); // the previous key still reads it
        afterRotation.run(null);

        String after = jdbc.queryForObject("SELECT secret FROM registry_endpoint WHERE id = ?", String.class, created.id());
        assertThat(after.substring(0, 8)).isNotEqualTo(before.substring(0, 8));
        EndpointService newKeyOnly = new EndpointService(jdbcClient, ProxySecrets.of(policy(newKey, List.of())), events);
        assertThat(newKeyOnly.credentials(created.id()).secret()).isEqualTo("old-secret");
        // the old key alone can no longer read it
        assertThatThrownBy(() -> endpoints.credentials(created.id())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("registry.proxy.previous-secret-keys");
        // rows keep working for the rest of the suite: encrypt it again with the test key
        endpoints.update(created.name(), new EndpointService.Spec(null, null, null, "old-secret", null));
    }

    @Test
    void a_bad_key_is_refused_at_start_with_what_to_do() {
        assertThatThrownBy(() -> ProxySecrets.of(policy("c2hvcnQ=", List.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registry.proxy.secret-key").hasMessageContaining("openssl rand -base64 32");
    }

    @Test
    void an_endpoint_in_use_stays_and_a_host_is_mirrored_by_one_project() {
        Endpoint first = endpoints.create(new EndpointService.Spec(unique("up"), "https://up.example.com", null, null, null), "t");
        Endpoint second = endpoints.create(new EndpointService.Spec(unique("up"), "https://registry-1.docker.io", null, null, null), "t");
        String host = unique("mirror") + ".example.com";
        String project = unique("px");
        long projectId = projects.create(project, true, null, "t", null).id();
        proxies.bind(projectId, List.of(first.name(), second.name()), host.toUpperCase());

        var proxy = proxies.proxyProject(project).orElseThrow();
        assertThat(proxy.endpoints()).extracting(Endpoint::name).containsExactly(first.name(), second.name());
        assertThat(proxy.servesHost()).isEqualTo(host);
        assertThat(proxies.projectMirroring(host)).contains(project);
        assertThat(second.registryHost()).isEqualTo("docker.io");

        assertThatThrownBy(() -> endpoints.delete(first.name())).isInstanceOf(RegistryException.class)
                .hasMessageContaining(project).satisfies(e -> assertThat(((RegistryException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        long other = projects.create(unique("px"), false, null, "t", null).id();
        assertThatThrownBy(() -> proxies.bind(other, List.of(first.name()), host)).isInstanceOf(RegistryException.class)
                .hasMessageContaining(project + " already serves");
        assertThatThrownBy(() -> proxies.bind(other, List.of(first.name(), first.name()), null))
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> proxies.bind(other, List.of(first.name()), "not a host"))
                .hasMessageContaining("mirrorOf");
        assertThat(proxies.isProxy(projects.require("library").name())).isFalse();
    }

    private static ProxyPolicy policy(String key, List<String> previous) {
        return new ProxyPolicy(key, Path.of("unused"), previous, Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }
}
