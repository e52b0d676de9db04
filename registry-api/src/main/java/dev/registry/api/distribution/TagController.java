package dev.registry.api.distribution;

import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.Page;
import dev.registry.core.artifact.RepositoryName;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v2/<name>/tags/list} with {@code n}, {@code last} and a {@code Link} header (end-8a/8b). */
@RestController
class TagController {

    record TagList(String name, List<String> tags) {
    }

    private final ArtifactService artifacts;

    TagController(ArtifactService artifacts) {
        this.artifacts = artifacts;
    }

    @GetMapping(RepositoryPathFilter.TAGS_PATH)
    ResponseEntity<TagList> list(RepositoryName name,
                                 @RequestParam(required = false) String n, @RequestParam(required = false) String last) {
        int limit = Pagination.limit(n);
        Page page = artifacts.tags(name, limit, last);
        return Pagination.withLink(page, DistributionPaths.tags(name), limit)
                .body(new TagList(name.value(), page.items()));
    }
}
