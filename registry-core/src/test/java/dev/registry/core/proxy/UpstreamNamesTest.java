package dev.registry.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.core.artifact.RepositoryName;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How a proxy project's repository is named at its upstream, and which registry host an endpoint is (docs/proxy-cache.md). */
class UpstreamNamesTest {

    private static Endpoint endpoint(String url) {
        return new Endpoint(1, "e", URI.create(url), null, false, true, "t", Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void theProjectIsTakenOffAndDockerHubsOnePartNamesAreLibraryNames() {
        Endpoint hub = endpoint("https://registry-1.docker.io");
        Endpoint other = endpoint("https://ghcr.io");
        assertThat(ProxyService.upstreamRepository(hub, new RepositoryName("hub/nginx"))).isEqualTo("library/nginx");
        assertThat(ProxyService.upstreamRepository(hub, new RepositoryName("hub/library/nginx"))).isEqualTo("library/nginx");
        assertThat(ProxyService.upstreamRepository(hub, new RepositoryName("hub/bitnami/redis"))).isEqualTo("bitnami/redis");
        assertThat(ProxyService.upstreamRepository(other, new RepositoryName("gh/app"))).isEqualTo("app");
        assertThat(ProxyService.upstreamRepository(other, new RepositoryName("gh/org/app"))).isEqualTo("org/app");
    }

    @Test
    void anEndpointIsTheRegistryHostImageNamesSpell() {
        assertThat(endpoint("https://registry-1.docker.io").registryHost()).isEqualTo("docker.io");
        assertThat(endpoint("https://index.docker.io").registryHost()).isEqualTo("docker.io");
        assertThat(endpoint("https://ghcr.io").registryHost()).isEqualTo("ghcr.io");
        assertThat(endpoint("http://127.0.0.1:5001").registryHost()).isEqualTo("127.0.0.1:5001");
    }
}
