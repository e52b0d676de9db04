package dev.registry.core.proxy;

import java.util.List;

/**
 * A proxy project as the pull path uses it: its upstreams in the order they are tried, and the registry host whose
 * mirror pulls ({@code ?ns=}) it serves.
 *
 * @param mirrorOf the host set on the project, or null when it serves its first upstream's host
 */
public record ProxyProject(long projectId, String name, List<UpstreamClient.Upstream> upstreams, List<Endpoint> endpoints,
                           String mirrorOf) {

    /** The registry host whose pulls through a mirror this project serves. */
    public String servesHost() {
        return mirrorOf != null ? mirrorOf : endpoints.isEmpty() ? null : endpoints.getFirst().registryHost();
    }
}
