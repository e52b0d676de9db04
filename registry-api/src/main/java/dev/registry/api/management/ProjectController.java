package dev.registry.api.management;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectCreator;
import dev.registry.core.access.ProjectSettings;
import dev.registry.core.project.Project;
import dev.registry.core.project.ProjectService;
import dev.registry.core.proxy.Endpoint;
import dev.registry.core.proxy.ProxyProject;
import dev.registry.core.proxy.ProxyService;
import dev.registry.core.quota.ProjectUsage;
import dev.registry.core.quota.QuotaService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Projects: create, read, list (what the caller may see), change settings, delete when empty. */
@RestController
@RequestMapping("/api/v1/projects")
@Tag(name = "projects")
class ProjectController {

    /**
     * @param quotaBytes storage quota in bytes; only system admins set one
     * @param proxy      makes it a proxy project (pull-through cache) of registry endpoints; only system admins
     */
    record NewProject(@NotBlank String name, @JsonProperty("public") Boolean isPublic, @PositiveOrZero Long quotaBytes,
                      @Valid ProxySettings proxy) {
    }

    /**
     * A proxy project's upstreams.
     *
     * @param endpoints names of registry endpoints ({@code /api/v1/endpoints}), tried in this order: the next one when
     *                  one fails or does not have the image
     * @param mirrorOf  the registry host (as image names spell it: {@code docker.io}) whose pulls through a mirror
     *                  (containerd's {@code ?ns=}) this project serves; unset: its first endpoint's host
     */
    record ProxySettings(List<String> endpoints, String mirrorOf) {
    }

    /**
     * @param endpoints  the upstreams, in the order they are tried
     * @param servesHost the registry host whose mirror pulls ({@code ?ns=}) this project serves
     */
    record ProxyView(List<String> endpoints, String mirrorOf, String servesHost) {
        static ProxyView of(Optional<ProxyProject> proxy) {
            return proxy.map(p -> new ProxyView(p.endpoints().stream().map(Endpoint::name).toList(), p.mirrorOf(), p.servesHost()))
                    .orElse(null);
        }
    }

    /** Only the fields given change. {@code quotaBytes} -1 removes the quota. */
    record ProjectChanges(@JsonProperty("public") Boolean isPublic, @Min(-1) Long quotaBytes) {
    }

    /**
     * @param usedBytes distinct blobs linked in the project's repositories plus its manifests, in bytes
     * @param proxy     null unless it is a proxy project
     */
    record ProjectView(long id, String name, @JsonProperty("public") boolean isPublic, Long quotaBytes, long usedBytes,
                       ProxyView proxy, String createdBy, Instant createdAt) {
        static ProjectView of(Project p, long usedBytes, ProxyService proxies) {
            return new ProjectView(p.id(), p.name(), p.isPublic(), p.quotaBytes(), usedBytes,
                    ProxyView.of(proxies.proxyProject(p.name())), p.createdBy(), p.createdAt());
        }

        /** The projects as a list shows them (their usage read in one query). */
        static List<ProjectView> of(List<Project> projects, QuotaService quotas, ProxyService proxies) {
            Map<Long, Long> used = quotas.usedBytes(projects.stream().map(Project::id).toList());
            return projects.stream().map(p -> of(p, used.getOrDefault(p.id(), 0L), proxies)).toList();
        }
    }

    /** @param quotaBytes null for no quota */
    record UsageView(String project, Long quotaBytes, long usedBytes) {
        static UsageView of(ProjectUsage u) {
            return new UsageView(u.project(), u.quotaBytes(), u.usedBytes());
        }
    }

    /** @param previousUsedBytes the live figure the recalculation replaced */
    record RecalculatedUsageView(String project, Long quotaBytes, long usedBytes, long previousUsedBytes) {
    }

    private final ManagementAccess access;
    private final ProjectService projects;
    private final ProjectCreator creator;
    private final ProjectSettings settings;
    private final QuotaService quotas;
    private final ProxyService proxies;

    ProjectController(ManagementAccess access, ProjectService projects, ProjectCreator creator, ProjectSettings settings,
                      QuotaService quotas, ProxyService proxies) {
        this.access = access;
        this.proxies = proxies;
        this.quotas = quotas;
        this.projects = projects;
        this.creator = creator;
        this.settings = settings;
    }

    @PostMapping
    @Operation(summary = "Create a project", description = "Any signed-in user (unless registry.projects.only-admins-create), "
            + "or a robot allowed to create projects; the creator administers it. A quota needs a system admin. With proxy, "
            + "a proxy project (pull-through cache of registry endpoints; system admins only): it takes no pushes.")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<ProjectView> createProject(Principal caller, @Valid @RequestBody NewProject body) {
        boolean isPublic = Boolean.TRUE.equals(body.isPublic());
        Project created = body.proxy() == null ? creator.create(caller, body.name(), isPublic, body.quotaBytes())
                : creator.createProxy(caller, body.name(), isPublic, body.quotaBytes(), body.proxy().endpoints(),
                        body.proxy().mirrorOf());
        return ResponseEntity.created(URI.create("/api/v1/projects/" + created.name())).body(view(created));
    }

    @GetMapping
    @Operation(summary = "List projects", description = "Public projects and those the caller may pull from (system admins: all), "
            + "by name; q filters by a name substring (case-insensitive; % and _ are literal).")
    ResponseEntity<List<ProjectView>> listProjects(Principal caller, @RequestParam(required = false) String q,
                                                   @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                                   @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        Paging paging = Paging.of(page, pageSize);
        List<Long> visible = access.decision().pullableProjects(caller);
        return paging.respond(ProjectView.of(projects.list(q, visible, paging.index(), paging.size()), quotas, proxies),
                projects.count(q, visible));
    }

    @GetMapping("/{project}")
    @Operation(summary = "Get a project", description = "Needs pull.")
    ProjectView getProject(Principal caller, @PathVariable String project) {
        access.require(caller, project, Action.PULL);
        return view(projects.require(project));
    }

    @GetMapping("/{project}/usage")
    @Operation(summary = "Get a project's storage usage and quota", description = "Needs pull. usedBytes counts each blob "
            + "once per project (however many images or repositories use it) plus the manifests' bytes; it is kept up to date "
            + "by every push and deletion.")
    UsageView getUsage(Principal caller, @PathVariable String project) {
        access.require(caller, project, Action.PULL);
        return UsageView.of(quotas.usage(project));
    }

    @PostMapping("/{project}/usage/recalculate")
    @Operation(summary = "Recalculate a project's storage usage", description = "System admins only. Recomputes usedBytes "
            + "from the blob links and manifests and stores it; previousUsedBytes is the live figure it replaced.")
    RecalculatedUsageView recalculateUsage(Principal caller, @PathVariable String project) {
        access.requireSystemAdmin(caller);
        QuotaService.Recalculation r = quotas.recalculate(project);
        return new RecalculatedUsageView(r.usage().project(), r.usage().quotaBytes(), r.usage().usedBytes(),
                r.previousUsedBytes());
    }

    @PatchMapping("/{project}")
    @Operation(summary = "Change a project's settings", description = "Needs update-project; the quota needs a system admin.")
    ProjectView updateProject(Principal caller, @PathVariable String project, @Valid @RequestBody ProjectChanges body) {
        access.require(caller, project, Action.UPDATE_PROJECT);
        boolean clearQuota = body.quotaBytes() != null && body.quotaBytes() == -1;
        return view(settings.update(caller, project, body.isPublic(), clearQuota ? null : body.quotaBytes(), clearQuota));
    }

    private ProjectView view(Project p) {
        return ProjectView.of(p, quotas.usedBytes(List.of(p.id())).getOrDefault(p.id(), 0L), proxies);
    }

    @DeleteMapping("/{project}")
    @Operation(summary = "Delete an empty project", description = "Needs delete-project; 409 while it holds repositories.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> deleteProject(Principal caller, @PathVariable String project) {
        access.require(caller, project, Action.DELETE_PROJECT);
        projects.delete(project);
        return ResponseEntity.noContent().build();
    }
}
