package dev.registry.api.distribution;

import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.Page;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v2/_catalog} with {@code n}, {@code last} and a {@code Link} header, limited to what the caller may pull. */
@RestController
class CatalogController {

    record Catalog(List<String> repositories) {
    }

    private final ArtifactService artifacts;

    CatalogController(ArtifactService artifacts) {
        this.artifacts = artifacts;
    }

    @GetMapping("/v2/_catalog")
    @SuppressWarnings("unchecked")
    ResponseEntity<Catalog> list(@RequestParam(required = false) String n, @RequestParam(required = false) String last,
                                 HttpServletRequest request) {
        int limit = Pagination.limit(n);
        // only repositories the caller may pull (the access filter computed which projects those are)
        Page page = artifacts.catalog(limit, last, (List<Long>) request.getAttribute(DistributionAccessFilter.CATALOG_PROJECTS));
        return Pagination.withLink(page, "/v2/_catalog", limit).body(new Catalog(page.items()));
    }
}
