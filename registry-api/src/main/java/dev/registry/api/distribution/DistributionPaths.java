package dev.registry.api.distribution;

import dev.registry.core.artifact.RepositoryName;
import dev.registry.storage.Digest;

/** The client-facing URLs the API hands out in {@code Location} and {@code Link} headers. */
final class DistributionPaths {

    private DistributionPaths() {
    }

    static String blob(RepositoryName name, Digest digest) {
        return "/v2/" + name + "/blobs/" + digest;
    }

    static String upload(RepositoryName name, String id) {
        return "/v2/" + name + "/blobs/uploads/" + id;
    }

    static String manifest(RepositoryName name, Digest digest) {
        return "/v2/" + name + "/manifests/" + digest;
    }

    static String tags(RepositoryName name) {
        return "/v2/" + name + "/tags/list";
    }
}
