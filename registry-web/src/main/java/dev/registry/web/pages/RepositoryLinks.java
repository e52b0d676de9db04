package dev.registry.web.pages;

import dev.registry.core.artifact.RepositoryName;
import dev.registry.web.ConsolePaths;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.web.util.UriUtils;

/**
 * The console's addresses of one repository (see docs/architecture.md, "Web console"). The repository is
 * named by its path inside the project, slashes and all ({@code /projects/p/repositories/team/app}); what
 * follows {@value #MARK} is a page of that repository. {@code -} can be no component of a repository name
 * (components start with a letter or digit), so the split is never ambiguous:
 *
 * <ul>
 * <li>{@code /projects/p/repositories/team/app}: its artifacts (page 3);</li>
 * <li>{@code …/team/app/-/artifacts/sha256:…}: one artifact (page 4);</li>
 * <li>{@code …/team/app/-/artifacts/sha256:…/delete}, {@code …/team/app/-/tags/v1/delete},
 * {@code …/team/app/-/delete}: the confirmation (GET) and the deletion (POST) of an artifact, a tag, the
 * repository.</li>
 * </ul>
 */
public record RepositoryLinks(RepositoryName repository) {

    /** Separates the repository's path from the page of it. */
    public static final String MARK = "/-/";

    public static RepositoryLinks of(String repository) {
        return new RepositoryLinks(new RepositoryName(repository));
    }

    /** The project's repositories page. */
    public String project() {
        return ConsolePaths.PROJECTS + "/" + segment(repository.project());
    }

    /** The artifacts page (page 3). */
    public String artifacts() {
        return project() + "/repositories/" + Arrays.stream(repository.pathInProject().split("/"))
                .map(RepositoryLinks::segment).collect(Collectors.joining("/"));
    }

    /** One artifact's page (page 4). */
    public String artifact(String digest) {
        return artifacts() + MARK + "artifacts/" + segment(digest);
    }

    public String deleteArtifact(String digest) {
        return artifact(digest) + "/delete";
    }

    public String deleteTag(String tag) {
        return artifacts() + MARK + "tags/" + segment(tag) + "/delete";
    }

    public String deleteRepository() {
        return artifacts() + MARK + "delete";
    }

    private static String segment(String value) {
        return UriUtils.encodePathSegment(value, StandardCharsets.UTF_8);
    }
}
