package dev.registry.api.management;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;

/**
 * What follows {@code /api/v1/projects/<project>/repositories/}: a full repository name (it has
 * slashes of its own, so it cannot be one path variable), optionally followed by
 * {@code /artifacts} or {@code /artifacts/<reference>} (a digest or a tag), as {@code /v2} paths
 * end in {@code /manifests/<reference>}. A trailing {@code /artifacts} always means the artifact
 * list, and {@code <repository>/artifacts/<x>} one artifact whenever {@code <repository>} is a
 * well-formed name of two or more components; so a repository whose own name has an
 * {@code artifacts} component (not its second) followed by one more is reached through
 * {@code /v2} only.
 *
 * @param reference null unless the path names one artifact
 */
record RepositoryPath(RepositoryName repository, Target target, Reference reference) {

    enum Target { REPOSITORY, ARTIFACTS, ARTIFACT }

    private static final String ARTIFACTS = "/artifacts";

    /** The path, whose repository must be in {@code project} (404 otherwise; 400 for a malformed name, digest or tag). */
    static RepositoryPath parse(String project, String path) {
        String rest = path.startsWith("/") ? path.substring(1) : path;
        RepositoryPath parsed;
        int last = rest.lastIndexOf('/');
        if (rest.endsWith(ARTIFACTS)) {
            parsed = new RepositoryPath(name(rest.substring(0, rest.length() - ARTIFACTS.length())), Target.ARTIFACTS, null);
        } else if (last > 0 && rest.substring(0, last).endsWith(ARTIFACTS) && isRepository(rest.substring(0, last - ARTIFACTS.length()))) {
            parsed = new RepositoryPath(name(rest.substring(0, last - ARTIFACTS.length())), Target.ARTIFACT,
                    reference(rest.substring(last + 1)));
        } else {
            parsed = new RepositoryPath(name(rest), Target.REPOSITORY, null);
        }
        if (!parsed.repository().project().equals(project)) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + parsed.repository() + " is not in project " + project);
        }
        return parsed;
    }

    /** Whether {@code value} is a well-formed repository name of a project ({@code <project>/<name>}). */
    private static boolean isRepository(String value) {
        try {
            return value.contains("/") && new RepositoryName(value).value() != null;
        } catch (RegistryException e) {
            return false;
        }
    }

    /** A digest (it has a colon; 400 naming {@code digest} when malformed) or a tag (400 naming {@code reference}). */
    private static Reference reference(String value) {
        if (value.contains(":")) {
            try {
                return new Reference(null, Reference.parseDigest(value));
            } catch (RegistryException e) {
                throw Paging.invalid("digest", e.getMessage());
            }
        }
        try {
            return Reference.parse(value);
        } catch (RegistryException e) {
            throw Paging.invalid("reference", "not a digest or a tag: " + e.getMessage());
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
