package dev.registry.api.management;

import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.access.PullSecrets;
import dev.registry.core.access.RobotService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** System robot accounts ({@code robot.<name>}), acting in the projects listed on them; system admins only. */
@RestController
@RequestMapping("/api/v1/robots")
@Tag(name = "robots")
class SystemRobotController {

    /**
     * @param permissions       project name ({@code *} for every project) to actions, e.g. {@code {"*": ["pull"]}}
     * @param canCreateProjects the robot may create projects (and administers those it creates)
     * @param expiresInDays     1 to 36500, or -1 (the default) for never
     */
    record NewSystemRobot(@NotBlank String name, @Size(max = 1024) String description, Map<String, List<String>> permissions,
                          Boolean canCreateProjects, Integer expiresInDays) {
    }

    /**
     * Only the fields given change.
     *
     * @param disabled      true disables the robot (its tokens stop working at once), false enables it
     * @param expiresInDays a new expiry counted from now: 1 to 36500 days, or -1 for never
     * @param permissions   replaces the project names ({@code *}: every project) and actions listed on the robot
     */
    record SystemRobotChanges(Boolean disabled, @Size(max = 1024) String description, Integer expiresInDays,
                              Map<String, List<String>> permissions) {
    }

    private final ManagementAccess access;
    private final RobotService robots;
    private final RobotResponses responses;

    SystemRobotController(ManagementAccess access, RobotService robots, RobotResponses responses) {
        this.access = access;
        this.robots = robots;
        this.responses = responses;
    }

    @PostMapping
    @Operation(summary = "Create a system robot", description = "System admins only. The answer holds the secret and a "
            + "Kubernetes pull secret for the namespace given (default: default); neither is shown again.")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<RobotSecret> createSystemRobot(Principal caller, @RequestParam(required = false) String namespace,
                                                  @Valid @RequestBody NewSystemRobot body, HttpServletRequest request) {
        access.requireSystemAdmin(caller);
        String ns = PullSecrets.namespace(namespace);
        Map<String, Set<Action>> permissions = permissions(body.permissions() == null ? Map.of() : body.permissions());
        RobotService.WithSecret created = robots.create(new RobotService.Spec(body.name(), body.description(), null, permissions,
                Boolean.TRUE.equals(body.canCreateProjects()), body.expiresInDays() == null ? -1 : body.expiresInDays()),
                caller.name());
        return responses.created(created, ns, "/api/v1/robots/" + created.robot().id(), request);
    }

    @GetMapping
    @Operation(summary = "List system robots", description = "System admins only; expiresSoon flags those expiring within 7 days.")
    ResponseEntity<List<RobotView>> listSystemRobots(Principal caller,
                                                     @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                                     @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        access.requireSystemAdmin(caller);
        return responses.page(null, Paging.of(page, pageSize));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get a system robot", description = "System admins only.")
    RobotView getSystemRobot(Principal caller, @PathVariable long id) {
        access.requireSystemAdmin(caller);
        return RobotView.of(robots.requireIn(null, id));
    }

    @PostMapping("/{id}/rotate")
    @Operation(summary = "Give a system robot a new secret", description = "System admins only. The old secret and every "
            + "token issued with it stop working; the answer holds the new secret and pull secret, shown this once.")
    RobotSecret rotateSystemRobot(Principal caller, @PathVariable long id, @RequestParam(required = false) String namespace,
                                  HttpServletRequest request) {
        access.requireSystemAdmin(caller);
        String ns = PullSecrets.namespace(namespace);
        robots.requireIn(null, id);
        return responses.withSecret(robots.rotate(id), ns, request);
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Change a system robot's permissions, or enable, disable, re-describe or re-date it",
            description = "System admins only. Only the fields given change; permissions replaces the robot's permissions,"
                    + " with the checks of creation. Audited.")
    RobotView updateSystemRobot(Principal caller, @PathVariable long id, @Valid @RequestBody SystemRobotChanges body) {
        access.requireSystemAdmin(caller);
        robots.requireIn(null, id);
        return RobotView.of(robots.update(id, body.disabled(), body.description(), body.expiresInDays(),
                body.permissions() == null ? null : permissions(body.permissions())));
    }

    private static Map<String, Set<Action>> permissions(Map<String, List<String>> listed) {
        Map<String, Set<Action>> permissions = new LinkedHashMap<>();
        listed.forEach((project, actions) -> permissions.put(project, Wire.actions(actions, "permissions")));
        return permissions;
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a system robot", description = "System admins only.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> deleteSystemRobot(Principal caller, @PathVariable long id) {
        access.requireSystemAdmin(caller);
        robots.requireIn(null, id);
        robots.delete(id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/pull-secret")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/yaml", schema = @Schema(type = "string")))
    @Operation(summary = "A Kubernetes image pull secret for a system robot", description = "System admins only. Send the "
            + "secret in X-Robot-Secret for a complete manifest; without it the password is REPLACE_WITH_ROBOT_SECRET.")
    ResponseEntity<String> systemRobotPullSecret(Principal caller, @PathVariable long id,
                                                 @RequestParam(required = false) String namespace,
                                                 @Parameter(description = "the robot's current secret, to fill in")
                                                 @RequestHeader(name = RobotResponses.SECRET_HEADER, required = false) String secret,
                                                 HttpServletRequest request) {
        access.requireSystemAdmin(caller);
        return responses.pullSecret(robots.requireIn(null, id), namespace, secret, request);
    }
}
