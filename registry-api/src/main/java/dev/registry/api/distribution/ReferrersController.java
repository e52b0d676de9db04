package dev.registry.api.distribution;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.MediaTypes;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.Referrer;
import dev.registry.core.artifact.RepositoryName;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code GET /v2/<name>/referrers/<digest>} (end-12a/12b): an OCI image index of the manifests
 * whose subject is the digest, never 404; {@code artifactType} filters, and then
 * {@code OCI-Filters-Applied: artifactType} says so.
 */
@RestController
class ReferrersController {

    record Index(int schemaVersion, String mediaType, List<Entry> manifests) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String mediaType, String digest, long size, String artifactType, JsonNode annotations) {
    }

    private final ArtifactService artifacts;
    private final ObjectMapper json;

    ReferrersController(ArtifactService artifacts, ObjectMapper json) {
        this.artifacts = artifacts;
        this.json = json;
    }

    @GetMapping(RepositoryPathFilter.REFERRERS_PATH)
    ResponseEntity<Index> referrers(RepositoryName name,
                                    @PathReference String digest, @RequestParam(required = false) String artifactType) {
        String filter = artifactType == null || artifactType.isEmpty() ? null : artifactType;
        List<Entry> entries = artifacts.referrers(name, Reference.parseDigest(digest), filter).stream()
                .map(this::entry).toList();
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(MediaType.parseMediaType(MediaTypes.OCI_INDEX));
        if (filter != null) {
            ok.header("OCI-Filters-Applied", "artifactType");
        }
        return ok.body(new Index(2, MediaTypes.OCI_INDEX, entries));
    }

    private Entry entry(Referrer r) {
        return new Entry(r.mediaType(), r.digest().toString(), r.size(), r.artifactType(),
                r.annotations() == null ? null : json.readTree(r.annotations()));
    }
}
