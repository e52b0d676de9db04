package dev.registry.api.management;

import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.access.User;
import dev.registry.core.access.UserService;
import dev.registry.core.project.Member;
import dev.registry.core.project.ProjectService;
import dev.registry.core.project.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A project's members and their roles ({@code project-admin}, {@code maintainer}, {@code developer}, {@code guest}, {@code limited-guest}). */
@RestController
@RequestMapping("/api/v1/projects/{project}/members")
@Tag(name = "members")
class MemberController {

    record NewMember(@NotBlank String username, @NotBlank String role) {
    }

    record RoleChange(@NotBlank String role) {
    }

    record MemberView(long userId, String username, String role) {
        static MemberView of(Member m) {
            return new MemberView(m.principalId(), m.principalName(), Wire.role(m.role()));
        }
    }

    private final ManagementAccess access;
    private final ProjectService projects;
    private final UserService users;

    MemberController(ManagementAccess access, ProjectService projects, UserService users) {
        this.access = access;
        this.projects = projects;
        this.users = users;
    }

    @GetMapping
    @Operation(summary = "List members", description = "Needs read-members.")
    ResponseEntity<List<MemberView>> listMembers(Principal caller, @PathVariable String project,
                                                 @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                                 @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        Paging paging = Paging.of(page, pageSize);
        long projectId = access.require(caller, project, Action.READ_MEMBERS).projectId();
        List<MemberView> all = projects.members(projectId).stream().map(MemberView::of).toList();
        return paging.respond(paging.slice(all), all.size());
    }

    @PostMapping
    @Operation(summary = "Add a member", description = "Needs manage-members; 409 when the user is a member already.")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<MemberView> addMember(Principal caller, @PathVariable String project, @Valid @RequestBody NewMember body) {
        long projectId = access.require(caller, project, Action.MANAGE_MEMBERS).projectId();
        Role role = Wire.role(body.role(), "role");
        projects.addMember(projectId, body.username(), role);
        User user = users.find(body.username()).orElseThrow();
        return ResponseEntity.created(URI.create("/api/v1/projects/" + project + "/members/" + user.username()))
                .body(new MemberView(user.id(), user.username(), Wire.role(role)));
    }

    @PutMapping("/{username}")
    @Operation(summary = "Change a member's role", description = "Needs manage-members; 409 when it would leave the project "
            + "without a project admin.")
    MemberView changeMemberRole(Principal caller, @PathVariable String project, @PathVariable String username,
                                @Valid @RequestBody RoleChange body) {
        long projectId = access.require(caller, project, Action.MANAGE_MEMBERS).projectId();
        Role role = Wire.role(body.role(), "role");
        projects.changeRole(projectId, username, role);
        return new MemberView(users.find(username).orElseThrow().id(), username, Wire.role(role));
    }

    @DeleteMapping("/{username}")
    @Operation(summary = "Remove a member", description = "Needs manage-members; 409 for the project's last project admin.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> removeMember(Principal caller, @PathVariable String project, @PathVariable String username) {
        long projectId = access.require(caller, project, Action.MANAGE_MEMBERS).projectId();
        projects.removeMember(projectId, username);
        return ResponseEntity.noContent().build();
    }
}
