package dev.registry.web.pages;

import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectAccess;
import dev.registry.core.access.ProjectCreator;
import dev.registry.core.artifact.ArtifactListing;
import dev.registry.core.project.Project;
import dev.registry.core.project.ProjectService;
import dev.registry.core.project.Role;
import dev.registry.core.proxy.EndpointService;
import dev.registry.core.proxy.ProxyService;
import dev.registry.core.quota.ProjectUsage;
import dev.registry.core.quota.QuotaService;
import dev.registry.web.ConsolePaths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;

/** The projects page (what the user may see, with usage and role; create a project) and a project's repositories. */
@Controller
class ProjectsController {

    /** One row of the projects page. */
    record ProjectRow(Project project, long usedBytes, Role role, long repositories) {
        /** Used storage as a share of the quota, 0-100; null without a quota. */
        public Integer usedPercent() {
            return new ProjectUsage(project.name(), project.quotaBytes(), usedBytes).usedPercent();
        }
    }

    private final AccessService access;
    private final ProjectService projects;
    private final ProjectCreator creator;
    private final QuotaService quotas;
    private final ArtifactListing listing;
    private final EndpointService endpoints;
    private final ProxyService proxies;

    ProjectsController(AccessService access, ProjectService projects, ProjectCreator creator, QuotaService quotas,
                       ArtifactListing listing, EndpointService endpoints, ProxyService proxies) {
        this.access = access;
        this.endpoints = endpoints;
        this.proxies = proxies;
        this.projects = projects;
        this.creator = creator;
        this.quotas = quotas;
        this.listing = listing;
    }

    @GetMapping(ConsolePaths.PROJECTS)
    String projects(Principal.User me, @RequestParam(required = false) String q, @RequestParam(required = false) Integer page,
                    @RequestParam(name = "page_size", required = false) Integer pageSize, Model model) {
        String term = q == null ? "" : q.strip();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("q", term);
        PageWindow window = PageWindow.of(page, pageSize, ConsolePaths.PROJECTS, query);
        List<Long> visible = access.pullableProjects(me);
        List<ProjectRow> rows = List.of();
        long total = 0;
        if (visible == null || !visible.isEmpty()) {
            List<Project> listed = projects.list(term, visible, window.index(), window.size());
            List<Long> ids = listed.stream().map(Project::id).toList();
            Map<Long, Long> used = quotas.usedBytes(ids);
            Map<Long, Role> roles = projects.rolesOf(me.id(), ids);
            Map<Long, Long> repositories = listing.countRepositories(ids);
            rows = listed.stream().map(p -> new ProjectRow(p, used.getOrDefault(p.id(), 0L), roles.get(p.id()),
                    repositories.getOrDefault(p.id(), 0L))).toList();
            total = projects.count(term, visible);
        }
        model.addAttribute("q", term);
        model.addAttribute("rows", rows);
        model.addAttribute("window", window.withTotal(total));
        model.addAttribute("mayCreate", access.mayCreateProject(me));
        // a proxy project (pull-through cache of a registry) is a system admin's to create
        model.addAttribute("proxyEndpoints", me.systemAdmin() ? endpoints.list() : List.of());
        model.addAttribute("proxies", rows.stream().map(r -> r.project().name())
                .filter(proxies::isProxy).collect(java.util.stream.Collectors.toSet()));
        return "projects";
    }

    @PostMapping(ConsolePaths.PROJECTS)
    String create(Principal.User me, @RequestParam String name, @RequestParam(name = "public", defaultValue = "false") boolean isPublic,
                  @RequestParam(required = false) String proxyOf, Model model) {
        try {
            Project created = proxyOf == null || proxyOf.isBlank() ? creator.create(me, name.strip(), isPublic, null)
                    : creator.createProxy(me, name.strip(), isPublic, null, List.of(proxyOf), null);
            return "redirect:" + ConsolePaths.PROJECTS + "/" + UriUtils.encodePathSegment(created.name(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (RegistryException e) {
            // the same page with the server's words next to the field, what was typed kept
            model.addAttribute("createError", e.getMessage());
            model.addAttribute("createName", name);
            model.addAttribute("createPublic", isPublic);
            model.addAttribute("createProxyOf", proxyOf);
            return projects(me, null, null, null, model);
        }
    }

    @GetMapping(ConsolePaths.PROJECTS + "/{project}")
    String repositories(Principal.User me, @PathVariable String project, @RequestParam(required = false) Integer page,
                        @RequestParam(name = "page_size", required = false) Integer pageSize, Model model) {
        ProjectAccess allowed = access.require(me, project, Action.LIST_REPOSITORIES);
        Project p = projects.require(project);
        PageWindow window = PageWindow.of(page, pageSize, ConsolePaths.PROJECTS + "/" + project, Map.of());
        long total = listing.countRepositories(p.id());
        model.addAttribute("project", p);
        model.addAttribute("access", allowed);
        model.addAttribute("usedBytes", quotas.usedBytes(List.of(p.id())).getOrDefault(p.id(), 0L));
        List<dev.registry.core.artifact.RepositorySummary> listed = listing.repositories(p.id(), window.offset(), window.size());
        model.addAttribute("repositories", listed);
        // no pull count is recorded per repository: the page shows when one of its artifacts was last pulled
        model.addAttribute("lastPulled", listing.lastPulled(listed.stream().map(dev.registry.core.artifact.RepositorySummary::name).toList()));
        model.addAttribute("mayDelete", allowed.may(Action.DELETE_ARTIFACT));
        model.addAttribute("window", window.withTotal(total));
        return "project";
    }
}
