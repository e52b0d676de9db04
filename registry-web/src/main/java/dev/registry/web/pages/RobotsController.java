package dev.registry.web.pages;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Action;
import dev.registry.core.access.PermissionMatrix;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectAccess;
import dev.registry.core.access.PullSecrets;
import dev.registry.core.access.Robot;
import dev.registry.core.access.RobotService;
import dev.registry.core.project.Project;
import dev.registry.core.project.ProjectService;
import dev.registry.web.ConsolePaths;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;

/**
 * Issue 13, page 6 (a project's robot accounts, {@code /projects/{project}/robots}) and the system
 * robots of page 9 ({@code /admin/robots}): one controller and one set of templates for both, told
 * apart by a {@link Scope}. A project's robots need {@code READ_ROBOTS} to be listed and
 * {@code MANAGE_ROBOTS} to be changed (and are offered only then); system robots are the system
 * admins'. What robots may hold and every other rule is {@link RobotService}'s.
 *
 * <p>The secret exists only in the answer to creating a robot or rotating its secret: that page is
 * rendered from the POST (never a redirect through the session, which lives in the database) and
 * is not cached. Its pull Secret downloads by posting the secret back, checked against the stored
 * hash, so nothing secret is kept anywhere.
 */
@Controller
class RobotsController {

    private static final String PROJECT_PATH = ConsolePaths.PROJECTS + "/{project}/robots";
    private static final String SYSTEM_PATH = ConsolePaths.ADMIN + "/robots";
    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

    /**
     * Whose robots a page shows: a project's ({@code project} set) or the system's.
     *
     * @param base      the page's path
     * @param mayManage whether creating, rotating, disabling and deleting are offered
     */
    record Scope(Project project, ProjectAccess access, String base, boolean mayManage) {
        boolean system() {
            return project == null;
        }

        String projectName() {
            return project == null ? null : project.name();
        }

        Long projectId() {
            return project == null ? null : project.id();
        }

        public String title() {
            return project == null ? "System robots" : "Robot accounts · " + project.name();
        }
    }

    /** One row of the list: the robot and what it may do, in words. */
    record RobotRow(Robot robot, String permissions) {
    }

    private final AccessService access;
    private final ProjectService projects;
    private final RobotService robots;
    private final ConsoleFormat format;

    RobotsController(AccessService access, ProjectService projects, RobotService robots, ConsoleFormat format) {
        this.access = access;
        this.projects = projects;
        this.robots = robots;
        this.format = format;
    }

    /** The scope of a request, checked: {@code action} in the project, or a system admin for system robots. */
    private Scope scope(Principal.User me, String project, Action action) {
        if (project == null) {
            access.requireSystemAdmin(me);
            return new Scope(null, null, SYSTEM_PATH, true);
        }
        ProjectAccess allowed = access.require(me, project, action);
        return new Scope(projects.require(project), allowed,
                ConsolePaths.PROJECTS + "/" + UriUtils.encodePathSegment(project, StandardCharsets.UTF_8) + "/robots",
                allowed.may(Action.MANAGE_ROBOTS));
    }

    @GetMapping({PROJECT_PATH, SYSTEM_PATH})
    String list(Principal.User me, @PathVariable(required = false) String project, @RequestParam(required = false) Integer page,
                @RequestParam(name = "page_size", required = false) Integer pageSize, Model model) {
        return list(scope(me, project, Action.READ_ROBOTS), page, pageSize, model);
    }

    private String list(Scope scope, Integer page, Integer pageSize, Model model) {
        PageWindow window = PageWindow.of(page, pageSize, scope.base(), Map.of());
        List<RobotRow> rows = robots.list(scope.projectId(), window.index(), window.size()).stream()
                .map(r -> new RobotRow(r, permissions(r, scope))).toList();
        model.addAttribute("scope", scope);
        model.addAttribute("project", scope.project());
        model.addAttribute("access", scope.access());
        model.addAttribute("rows", rows);
        model.addAttribute("window", window.withTotal(robots.count(scope.projectId())));
        model.addAttribute("grantable", grantable());
        return "robots";
    }

    @PostMapping({PROJECT_PATH, SYSTEM_PATH})
    String create(Principal.User me, @PathVariable(required = false) String project, @RequestParam(defaultValue = "") String name,
                  @RequestParam(defaultValue = "") String description,
                  @RequestParam(name = "permissions", required = false) List<String> permissions,
                  @RequestParam(name = "expires_in_days", defaultValue = "") String expiresInDays,
                  @RequestParam(name = "projects", defaultValue = "") String forProjects,
                  @RequestParam(name = "can_create_projects", defaultValue = "false") boolean canCreateProjects,
                  HttpServletResponse response, Model model) {
        Scope scope = scope(me, project, Action.MANAGE_ROBOTS);
        try {
            Set<Action> actions = actions(permissions);
            Map<String, Set<Action>> granted = new LinkedHashMap<>();
            if (scope.system()) {
                for (String p : forProjects.split("[,\\s]+")) {
                    if (!p.isBlank() && !actions.isEmpty()) {
                        granted.put(p, actions);
                    }
                }
            } else if (!actions.isEmpty()) {
                granted.put(scope.projectName(), actions);
            }
            RobotService.WithSecret created = robots.create(new RobotService.Spec(name.strip(),
                    description.isBlank() ? null : description.strip(), scope.projectName(), granted,
                    scope.system() && canCreateProjects, days(expiresInDays)), me.name());
            return secretPage(scope, created, "created", response, model);
        } catch (RegistryException e) {
            if (e.code() == ErrorCode.DENIED || e.code() == ErrorCode.UNAUTHORIZED) {
                throw e;
            }
            // the list again, with the server's words next to the field they are about and what was typed kept
            String field = e.detail() instanceof Map<?, ?> detail && detail.get("field") instanceof String f ? f : "form";
            model.addAttribute("createErrors", Map.of(field, e.getMessage()));
            model.addAttribute("createName", name);
            model.addAttribute("createDescription", description);
            model.addAttribute("createPermissions", permissions == null ? List.of() : permissions);
            model.addAttribute("createExpiry", expiresInDays);
            model.addAttribute("createProjects", forProjects);
            model.addAttribute("createCanCreateProjects", canCreateProjects);
            return list(scope, null, null, model);
        }
    }

    /** The confirmation step of rotating or deleting: what stops working. */
    @GetMapping({PROJECT_PATH + "/{id}/{step:rotate|delete}", SYSTEM_PATH + "/{id}/{step:rotate|delete}"})
    String confirm(Principal.User me, @PathVariable(required = false) String project, @PathVariable long id,
                   @PathVariable String step, Model model) {
        Scope scope = scope(me, project, Action.MANAGE_ROBOTS);
        model.addAttribute("scope", scope);
        model.addAttribute("project", scope.project());
        model.addAttribute("access", scope.access());
        model.addAttribute("robot", robots.requireIn(scope.projectName(), id));
        model.addAttribute("step", step);
        return "robot-confirm";
    }

    @PostMapping({PROJECT_PATH + "/{id}/rotate", SYSTEM_PATH + "/{id}/rotate"})
    String rotate(Principal.User me, @PathVariable(required = false) String project, @PathVariable long id,
                  HttpServletResponse response, Model model) {
        Scope scope = scope(me, project, Action.MANAGE_ROBOTS);
        robots.requireIn(scope.projectName(), id);
        return secretPage(scope, robots.rotate(id), "rotated", response, model);
    }

    @PostMapping({PROJECT_PATH + "/{id}/delete", SYSTEM_PATH + "/{id}/delete"})
    String delete(Principal.User me, @PathVariable(required = false) String project, @PathVariable long id) {
        Scope scope = scope(me, project, Action.MANAGE_ROBOTS);
        Robot robot = robots.requireIn(scope.projectName(), id);
        robots.delete(id);
        return "redirect:" + scope.base() + "?deleted=" + UriUtils.encodeQueryParam(robot.name(), StandardCharsets.UTF_8);
    }

    /** Disables ({@code disabled=true}) or enables the robot. */
    @PostMapping({PROJECT_PATH + "/{id}/disabled", SYSTEM_PATH + "/{id}/disabled"})
    String disable(Principal.User me, @PathVariable(required = false) String project, @PathVariable long id,
                   @RequestParam boolean disabled) {
        Scope scope = scope(me, project, Action.MANAGE_ROBOTS);
        Robot robot = robots.requireIn(scope.projectName(), id);
        robots.update(id, disabled, null, null);
        return "redirect:" + scope.base() + "?" + (disabled ? "disabled=" : "enabled=")
                + UriUtils.encodeQueryParam(robot.name(), StandardCharsets.UTF_8);
    }

    /**
     * The pull Secret as a file, for the namespace asked: the one-time page posts the secret back,
     * and it is used only when it is the robot's current one (nothing is stored).
     */
    @PostMapping({PROJECT_PATH + "/{id}/pull-secret", SYSTEM_PATH + "/{id}/pull-secret"})
    ResponseEntity<String> pullSecret(Principal.User me, @PathVariable(required = false) String project, @PathVariable long id,
                                      @RequestParam(defaultValue = "") String secret,
                                      @RequestParam(defaultValue = "") String namespace) {
        Scope scope = scope(me, project, Action.MANAGE_ROBOTS);
        Robot robot = robots.requireIn(scope.projectName(), id);
        String ns = PullSecrets.namespace(namespace.strip());
        if (!robots.secretMatches(id, secret)) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "that is not the current secret of " + robot.name()
                    + "; rotate it for a new one");
        }
        return ResponseEntity.ok().contentType(YAML)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(PullSecrets.secretName(robot.name()) + ".yaml").build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(PullSecrets.complete(format.host(), ns, robot.name(), secret));
    }

    /** The page that shows a secret this once, with its pull Secret and kubectl command. */
    private String secretPage(Scope scope, RobotService.WithSecret withSecret, String what, HttpServletResponse response,
                              Model model) {
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        String host = format.host();
        Robot robot = withSecret.robot();
        model.addAttribute("scope", scope);
        model.addAttribute("project", scope.project());
        model.addAttribute("access", scope.access());
        model.addAttribute("robot", robot);
        model.addAttribute("what", what);
        model.addAttribute("secret", withSecret.secret());
        model.addAttribute("namespace", PullSecrets.DEFAULT_NAMESPACE);
        model.addAttribute("yaml", PullSecrets.complete(host, PullSecrets.DEFAULT_NAMESPACE, robot.name(), withSecret.secret()));
        model.addAttribute("kubectl", PullSecrets.kubectlCommand(host, PullSecrets.DEFAULT_NAMESPACE, robot.name(),
                withSecret.secret()));
        model.addAttribute("login", "docker login " + host + " -u " + robot.name());
        return "robot-secret";
    }

    /** What the form may offer: the actions robots may hold, in the matrix's order, by their API names. */
    static List<String> grantable() {
        return PermissionMatrix.ROBOT_GRANTABLE.stream().map(Action::wireName).toList();
    }

    private static Set<Action> actions(List<String> names) {
        EnumSet<Action> actions = EnumSet.noneOf(Action.class);
        for (String name : names == null ? List.<String>of() : names) {
            try {
                actions.add(Action.fromWireName(name));
            } catch (IllegalArgumentException e) {
                throw new RegistryException(ErrorCode.INVALID_INPUT, e.getMessage(), Map.of("field", "permissions"));
            }
        }
        return actions;
    }

    /** Days until it expires; empty is never (-1). The range is RobotService's to check. */
    private static int days(String text) {
        if (text.isBlank()) {
            return -1;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "the expiry is a number of days from 1 to 36500, or empty for"
                    + " never; not '" + text + "'", Map.of("field", "expiresInDays"));
        }
    }

    private static String permissions(Robot robot, Scope scope) {
        List<String> parts = new ArrayList<>();
        robot.permissions().forEach((p, actions) -> {
            String listed = actions.stream().map(Action::wireName).collect(Collectors.joining(", "));
            parts.add(scope.system() ? (RobotService.ALL_PROJECTS.equals(p) ? "every project" : p) + ": " + listed : listed);
        });
        if (robot.canCreateProjects()) {
            parts.add("may create projects");
        }
        return parts.isEmpty() ? "—" : String.join("; ", parts);
    }
}
