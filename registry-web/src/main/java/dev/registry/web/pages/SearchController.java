package dev.registry.web.pages;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Principal;
import dev.registry.core.artifact.ArtifactListing;
import dev.registry.core.artifact.RepositorySummary;
import dev.registry.core.project.Project;
import dev.registry.core.project.ProjectService;
import dev.registry.web.ConsolePaths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The header's search: projects and repositories whose name contains the term, among what the user
 * may see, through the same services and visibility as {@code GET /api/v1/search} (the project list's
 * query and {@link ArtifactListing#searchRepositories}), each list paged in the database.
 */
@Controller("consoleSearchController")
class SearchController {

    static final int MAX_TERM = 255;

    private final AccessService access;
    private final ProjectService projects;
    private final ArtifactListing listing;

    SearchController(AccessService access, ProjectService projects, ArtifactListing listing) {
        this.access = access;
        this.projects = projects;
        this.listing = listing;
    }

    @GetMapping(ConsolePaths.SEARCH)
    String search(Principal.User me, @RequestParam(required = false) String q, @RequestParam(required = false) Integer page,
                  @RequestParam(name = "page_size", required = false) Integer pageSize, Model model) {
        String term = q == null ? "" : q.strip();
        if (term.length() > MAX_TERM) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "a search term is at most " + MAX_TERM + " characters");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("q", term);
        PageWindow window = PageWindow.of(page, pageSize, ConsolePaths.SEARCH, query);
        model.addAttribute("q", term);
        if (term.isEmpty()) {
            model.addAttribute("projects", List.<Project>of());
            model.addAttribute("repositories", List.<RepositorySummary>of());
            model.addAttribute("projectWindow", window.withTotal(0));
            model.addAttribute("repositoryWindow", window.withTotal(0));
            return "search";
        }
        List<Long> visible = access.pullableProjects(me);
        ArtifactListing.SearchPage<RepositorySummary> repositories = listing.searchRepositories(term, visible, window.offset(),
                window.size());
        model.addAttribute("projects", projects.list(term, visible, window.index(), window.size()));
        model.addAttribute("projectWindow", window.withTotal(projects.count(term, visible)));
        model.addAttribute("repositories", repositories.items());
        model.addAttribute("repositoryWindow", window.withTotal(repositories.total()));
        return "search";
    }
}
