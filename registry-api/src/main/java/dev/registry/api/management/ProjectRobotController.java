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
import java.util.List;
import java.util.Map;
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

/**
 * A project's robot accounts ({@code robot.<project>.<name>}), for CI and Kubernetes. Reading
 * needs {@code read-robots}, changing {@code manage-robots}; a robot id of another project is 404.
 */
@RestController
@RequestMapping("/api/v1/projects/{project}/robots")
@Tag(name = "robots")
class ProjectRobotController {

    /**
     * @param permissions   what the robot may do in the project: pull, push, delete-artifact, create-tag, delete-tag,
     *                      list-repositories, read-audit, manage-policies
     * @param expiresInDays 1 to 36500, or -1 (the default) for never
     */
    record NewProjectRobot(@NotBlank String name, @Size(max = 1024) String description, List<String> permissions,
                           Integer expiresInDays) {
    }

    /**
     * Only the fields given change.
     *
     * @param disabled      true disables the robot (its tokens stop working at once), false enables it
     * @param expiresInDays a new expiry counted from now: 1 to 36500 days, or -1 for never
     * @param permissions   replaces what the robot may do in the project, checked as at creation
     */
    record ProjectRobotChanges(Boolean disabled, @Size(max = 1024) String description, Integer expiresInDays,
                               List<String> permissions) {
    }

    private final ManagementAccess access;
    private final RobotService robots;
    private final RobotResponses responses;

    ProjectRobotController(ManagementAccess access, RobotService robots, RobotResponses responses) {
        this.access = access;
        this.robots = robots;
        this.responses = responses;
    }

    @PostMapping
    @Operation(summary = "Create a project robot", description = "Needs manage-robots. The answer holds the secret and a "
            + "Kubernetes pull secret for the namespace given (default: default); neither is shown again.")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<RobotSecret> createProjectRobot(Principal caller, @PathVariable String project,
                                                   @RequestParam(required = false) String namespace,
                                                   @Valid @RequestBody NewProjectRobot body, HttpServletRequest request) {
        access.require(caller, project, Action.MANAGE_ROBOTS);
        String ns = PullSecrets.namespace(namespace);
        RobotService.WithSecret created = robots.create(new RobotService.Spec(body.name(), body.description(), project,
                Map.of(project, Wire.actions(body.permissions(), "permissions")), false,
                body.expiresInDays() == null ? -1 : body.expiresInDays()), caller.name());
        return responses.created(created, ns, "/api/v1/projects/" + project + "/robots/" + created.robot().id(), request);
    }

    @GetMapping
    @Operation(summary = "List project robots", description = "Needs read-robots; expiresSoon flags those expiring within 7 days.")
    ResponseEntity<List<RobotView>> listProjectRobots(Principal caller, @PathVariable String project,
                                                      @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                                      @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        Paging paging = Paging.of(page, pageSize);
        long projectId = access.require(caller, project, Action.READ_ROBOTS).projectId();
        return responses.page(projectId, paging);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get a project robot", description = "Needs read-robots.")
    RobotView getProjectRobot(Principal caller, @PathVariable String project, @PathVariable long id) {
        access.require(caller, project, Action.READ_ROBOTS);
        return RobotView.of(robots.requireIn(project, id));
    }

    @PostMapping("/{id}/rotate")
    @Operation(summary = "Give a project robot a new secret", description = "Needs manage-robots. The old secret and every "
            + "token issued with it stop working; the answer holds the new secret and pull secret, shown this once.")
    RobotSecret rotateProjectRobot(Principal caller, @PathVariable String project, @PathVariable long id,
                                   @RequestParam(required = false) String namespace, HttpServletRequest request) {
        access.require(caller, project, Action.MANAGE_ROBOTS);
        String ns = PullSecrets.namespace(namespace);
        robots.requireIn(project, id);
        return responses.withSecret(robots.rotate(id), ns, request);
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Change a project robot's permissions, or enable, disable, re-describe or re-date it",
            description = "Needs manage-robots. Only the fields given change; permissions replaces the robot's permissions,"
                    + " with the checks of creation (what robots may hold, at least one). Audited.")
    RobotView updateProjectRobot(Principal caller, @PathVariable String project, @PathVariable long id,
                                 @Valid @RequestBody ProjectRobotChanges body) {
        access.require(caller, project, Action.MANAGE_ROBOTS);
        robots.requireIn(project, id);
        return RobotView.of(robots.update(id, body.disabled(), body.description(), body.expiresInDays(),
                body.permissions() == null ? null : Map.of(project, Wire.actions(body.permissions(), "permissions"))));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a project robot", description = "Needs manage-robots.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> deleteProjectRobot(Principal caller, @PathVariable String project, @PathVariable long id) {
        access.require(caller, project, Action.MANAGE_ROBOTS);
        robots.requireIn(project, id);
        robots.delete(id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/pull-secret")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/yaml", schema = @Schema(type = "string")))
    @Operation(summary = "A Kubernetes image pull secret for a project robot", description = "Needs read-robots. The secret "
            + "is stored only as a hash: send it in X-Robot-Secret for a complete manifest; without it the manifest's "
            + "password is the placeholder REPLACE_WITH_ROBOT_SECRET.")
    ResponseEntity<String> projectRobotPullSecret(Principal caller, @PathVariable String project, @PathVariable long id,
                                                  @RequestParam(required = false) String namespace,
                                                  @Parameter(description = "the robot's current secret, to fill in")
                                                  @RequestHeader(name = RobotResponses.SECRET_HEADER, required = false) String secret,
                                                  HttpServletRequest request) {
        access.require(caller, project, Action.READ_ROBOTS);
        return responses.pullSecret(robots.requireIn(project, id), namespace, secret, request);
    }
}
