package dev.registry.api.management;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.artifact.ArtifactListing;
import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.ArtifactSummary;
import dev.registry.core.artifact.RepositorySummary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A project's repositories and their artifacts. Repositories are addressed by their full name
 * ({@code /repositories/myproject/team/app/artifacts}), see {@link RepositoryPath}.
 */
@RestController
@RequestMapping("/api/v1/projects/{project}/repositories")
@Tag(name = "repositories")
class RepositoryController {

    private static final String PATH_HELP = "a full repository name (e.g. myproject/team/app), then /artifacts to list its "
            + "artifacts, or /artifacts/<digest or tag> for one artifact";

    private final ManagementAccess access;
    private final ArtifactListing listing;
    private final ArtifactService artifacts;

    RepositoryController(ManagementAccess access, ArtifactListing listing, ArtifactService artifacts) {
        this.access = access;
        this.listing = listing;
        this.artifacts = artifacts;
    }

    @GetMapping
    @Operation(summary = "List repositories", description = "Needs list-repositories; by name, with artifact count, size "
            + "(manifests plus linked blobs) and last push time.")
    ResponseEntity<List<RepositorySummary>> listRepositories(Principal caller, @PathVariable String project,
                                                             @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                                             @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        Paging paging = Paging.of(page, pageSize);
        long projectId = access.require(caller, project, Action.LIST_REPOSITORIES).projectId();
        return paging.respond(listing.repositories(projectId, paging.offset(), paging.size()), listing.countRepositories(projectId));
    }

    @GetMapping("/{*path}")
    @Operation(summary = "List a repository's artifacts, or read one", description = "Path: <repository>/artifacts lists the "
            + "artifacts, newest first, each with its size (manifest plus the blobs it references), tags, artifactType (its "
            + "own, else the config media type), for an index its references (the manifests it lists, with platform and "
            + "size; they are not listed on their own) and its accessories (Harbor's: its referrers, and manifests tagged "
            + "sha256-<hex>.sig|att|sbom after its digest as cosign tags them, with type signature, attestation, sbom or "
            + "referrer; not listed on their own either). <repository>/artifacts/<digest or tag> answers one artifact the "
            + "same way (an index's child or an accessory too). Needs list-repositories.")
    @ApiResponse(responseCode = "200", description = "an array of artifacts at <repository>/artifacts; one artifact at "
            + "<repository>/artifacts/<digest or tag>", content = @Content(mediaType = "application/json",
            schema = @Schema(oneOf = {ArtifactSummary[].class, ArtifactSummary.class})))
    ResponseEntity<?> listArtifacts(Principal caller, @PathVariable String project,
                                    @Parameter(description = PATH_HELP) @PathVariable String path,
                                    @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                    @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        Paging paging = Paging.of(page, pageSize);
        access.require(caller, project, Action.LIST_REPOSITORIES);
        RepositoryPath target = RepositoryPath.parse(project, path);
        return switch (target.target()) {
            case ARTIFACTS -> {
                ArtifactListing.SearchPage<ArtifactSummary> listed = listing.artifacts(target.repository(), paging.offset(), paging.size());
                yield paging.respond(listed.items(), listed.total());
            }
            case ARTIFACT -> ResponseEntity.ok(listing.artifact(target.repository(), target.reference()));
            case REPOSITORY -> throw new RegistryException(ErrorCode.NAME_UNKNOWN, "nothing to get at " + path
                    + "; list artifacts at <repository>/artifacts, read one at <repository>/artifacts/<digest or tag>");
        };
    }

    @DeleteMapping("/{*path}")
    @Operation(summary = "Delete an artifact or a repository", description = "Path: <repository>/artifacts/<digest> deletes "
            + "one artifact (and its tags, and its accessories, as Harbor does); <repository>/artifacts/<tag> deletes the "
            + "artifact the tag points at (with all its tags and accessories, as Harbor does; to remove only a tag, "
            + "DELETE /v2/<repository>/manifests/<tag>); <repository> deletes the "
            + "repository with everything in it. Immutable tags refuse (403). Needs delete-artifact.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> deleteArtifactOrRepository(Principal caller, @PathVariable String project,
                                                    @Parameter(description = PATH_HELP) @PathVariable String path) {
        access.require(caller, project, Action.DELETE_ARTIFACT);
        RepositoryPath target = RepositoryPath.parse(project, path);
        switch (target.target()) {
            case ARTIFACT -> artifacts.deleteArtifact(target.repository(), target.reference());
            case REPOSITORY -> artifacts.deleteRepository(target.repository());
            case ARTIFACTS -> throw new RegistryException(ErrorCode.NAME_UNKNOWN,
                    "name one artifact: <repository>/artifacts/<digest or tag>, or the repository itself");
        }
        return ResponseEntity.noContent().build();
    }
}
