package dev.registry.api.management;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;

/**
 * What follows {@code /api/v1/projects/<project>/repositories/}: a full repository name (it has
 * slashes of its own, so it cannot be one path variable), optionally followed by
 * {@code /artifacts} or {@code /artifacts/<digest>}, as {@code /v2} paths end in
 * {@code /manifests/<reference>}. A trailing {@code /artifacts} always means the artifact list (a
 * digest has a colon, which repository names never have).
 *
 * @param digest null unless the path names one artifact
 */
record RepositoryPath(RepositoryName repository, Target target, Reference digest) {

    enum Target { REPOSITORY, ARTIFACTS, ARTIFACT }

    private static final String ARTIFACTS = "/artifacts";

    /** The path, whose repository must be in {@code project} (404 otherwise; 400 for a malformed name or digest). */
    static RepositoryPath parse(String project, String path) {
        String rest = path.startsWith("/") ? path.substring(1) : path;
        RepositoryPath parsed;
        int last = rest.lastIndexOf('/');
        if (rest.endsWith(ARTIFACTS)) {
            parsed = new RepositoryPath(name(rest.substring(0, rest.length() - ARTIFACTS.length())), Target.ARTIFACTS, null);
        } else if (last > 0 && rest.substring(last + 1).contains(":") && rest.substring(0, last).endsWith(ARTIFACTS)) {
            Reference digest = digest(rest.substring(last + 1));
            parsed = new RepositoryPath(name(rest.substring(0, last - ARTIFACTS.length())), Target.ARTIFACT, digest);
        } else {
            parsed = new RepositoryPath(name(rest), Target.REPOSITORY, null);
        }
        if (!parsed.repository().project().equals(project)) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + parsed.repository() + " is not in project " + project);
        }
        return parsed;
    }

    private static Reference digest(String value) {
        try {
            return new Reference(null, Reference.parseDigest(value));
        } catch (RegistryException e) {
            throw Paging.invalid("digest", e.getMessage());
        }
    }

    private static RepositoryName name(String value) {
        try {
            return new RepositoryName(value);
        } catch (RegistryException e) {
            throw Paging.invalid("repository", e.getMessage());
        }
    }
}
