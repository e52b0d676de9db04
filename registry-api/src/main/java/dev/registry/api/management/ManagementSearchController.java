package dev.registry.api.management;

import dev.registry.api.management.ProjectController.ProjectView;
import dev.registry.core.access.Principal;
import dev.registry.core.artifact.ArtifactListing;
import dev.registry.core.artifact.RepositorySummary;
import dev.registry.core.project.ProjectService;
import dev.registry.core.proxy.ProxyService;
import dev.registry.core.quota.QuotaService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The console's search ({@code GET /api/v1/search}, after Harbor's {@code /api/v2.0/search}):
 * projects and repositories whose name contains a term, among what the caller may see, the
 * projects as {@code GET /projects} lists them and the repositories as a project's repository
 * list does. (Docker's {@code GET /v1/search} is {@code distribution.SearchController}.)
 */
@RestController
@Tag(name = "search")
class ManagementSearchController {

    /** The longest term: a project name's or a repository path component's bound. */
    static final int MAX_TERM = 255;

    /**
     * @param project         one page of the projects whose name contains the term, by name
     * @param projectTotal    how many projects match in all
     * @param repository      one page of the repositories whose name contains the term, by name
     * @param repositoryTotal how many repositories match in all
     */
    record SearchResults(List<ProjectView> project, long projectTotal, List<RepositorySummary> repository, long repositoryTotal) {
    }

    private final ManagementAccess access;
    private final ProjectService projects;
    private final QuotaService quotas;
    private final ArtifactListing listing;
    private final ProxyService proxies;

    ManagementSearchController(ManagementAccess access, ProjectService projects, QuotaService quotas, ArtifactListing listing,
                               ProxyService proxies) {
        this.access = access;
        this.proxies = proxies;
        this.projects = projects;
        this.quotas = quotas;
        this.listing = listing;
    }

    @GetMapping("/api/v1/search")
    @Operation(summary = "Search projects and repositories by name", description = "Anyone. Projects whose name contains q "
            + "(case-insensitive; % and _ are literal) among those GET /projects lists to the caller (public ones and those "
            + "they may pull from; system admins: all), and repositories whose full name contains q in those projects, each "
            + "list by name. page and page_size bound each list on its own (page 2 is the second page of both); "
            + "projectTotal and repositoryTotal count all matches.")
    SearchResults search(Principal caller,
                         @Parameter(description = "a part of a project or repository name, 1 to 255 characters")
                         @RequestParam String q,
                         @RequestParam(name = Paging.PAGE, required = false) Integer page,
                         @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        if (q.isBlank()) { // a missing q is refused by ManagementErrors.missingParameter, naming q too
            throw Paging.invalid("q", "q must not be blank: a part of a project or repository name");
        }
        if (q.length() > MAX_TERM) {
            throw Paging.invalid("q", "q is at most " + MAX_TERM + " characters, not " + q.length());
        }
        Paging paging = Paging.of(page, pageSize);
        List<Long> visible = access.decision().pullableProjects(caller);
        List<ProjectView> found = ProjectView.of(projects.list(q, visible, paging.index(), paging.size()), quotas, proxies);
        ArtifactListing.SearchPage<RepositorySummary> repositories = listing.searchRepositories(q, visible, paging.offset(),
                paging.size());
        return new SearchResults(found, projects.count(q, visible), repositories.items(), repositories.total());
    }
}
