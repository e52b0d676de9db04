package dev.registry.api.distribution;

import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.Page;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v2/_catalog} with {@code n}, {@code last} and a {@code Link} header. */
@RestController
class CatalogController {

    record Catalog(List<String> repositories) {
    }

    private final ArtifactService artifacts;

    CatalogController(ArtifactService artifacts) {
        this.artifacts = artifacts;
    }

    @GetMapping("/v2/_catalog")
    ResponseEntity<Catalog> list(@RequestParam(required = false) String n, @RequestParam(required = false) String last) {
        int limit = Pagination.limit(n);
        Page page = artifacts.catalog(limit, last);
        return Pagination.withLink(page, "/v2/_catalog", limit).body(new Catalog(page.items()));
    }
}
