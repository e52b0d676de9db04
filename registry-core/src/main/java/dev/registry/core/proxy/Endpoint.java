package dev.registry.core.proxy;

import java.net.URI;
import java.time.Instant;
import java.util.Locale;

/**
 * A registry endpoint: an upstream registry that proxy projects fetch from. Its credentials stay inside the registry
 * ({@link EndpointService#credentials}); this record says only whether it has some.
 *
 * @param url       the registry's base URL ({@code https://registry-1.docker.io}): scheme, host and port only
 * @param username  null for anonymous access or for a token alone
 * @param hasSecret whether a password or token is stored
 * @param verifyTls false accepts any certificate and host name (a private registry with a self-signed one)
 */
public record Endpoint(long id, String name, URI url, String username, boolean hasSecret, boolean verifyTls,
                       String createdBy, Instant createdAt, Instant updatedAt) {

    /** Docker Hub's registry API host names; image names say {@code docker.io}. */
    private static final java.util.Set<String> DOCKER_HUB = java.util.Set.of("docker.io", "registry-1.docker.io",
            "index.docker.io", "registry.hub.docker.com");

    /** Whether this endpoint is Docker Hub, where a one-component name means {@code library/<name>}. */
    public boolean isDockerHub() {
        return DOCKER_HUB.contains(url.getHost().toLowerCase(Locale.ROOT));
    }

    /** The registry host as image names spell it (containerd's {@code ns=}): {@code docker.io} for Docker Hub. */
    public String registryHost() {
        if (isDockerHub()) {
            return "docker.io";
        }
        return url.getHost().toLowerCase(Locale.ROOT) + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }
}
