package dev.registry.api.management;

import dev.registry.core.access.Principal;
import dev.registry.core.access.User;
import dev.registry.core.access.UserService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Local users, for system admins (a user's own account: {@link CurrentUserController}). */
@RestController
@RequestMapping("/api/v1/users")
@Tag(name = "users")
class UserController {

    /** A password has at least 8 characters and at most 72 bytes (UTF-8), with an upper-case letter, a lower-case letter and a digit. */
    record NewUser(@NotBlank String username, @NotBlank String password, @Email @Size(max = 255) String email,
                   @Size(max = 255) String fullName, Boolean systemAdmin) {
    }

    /** Only the fields given change. */
    record UserChanges(@Email @Size(max = 255) String email, @Size(max = 255) String fullName, Boolean systemAdmin) {
    }

    record PasswordReset(@NotBlank String password) {
    }

    private final ManagementAccess access;
    private final UserService users;

    UserController(ManagementAccess access, UserService users) {
        this.access = access;
        this.users = users;
    }

    @PostMapping
    @Operation(summary = "Create a user", description = "System admins only.")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<User> createUser(Principal caller, @Valid @RequestBody NewUser body) {
        access.requireSystemAdmin(caller);
        User created = users.create(body.username(), body.password(), body.email(), body.fullName(),
                Boolean.TRUE.equals(body.systemAdmin()));
        return ResponseEntity.created(URI.create("/api/v1/users/" + created.id())).body(created);
    }

    @GetMapping
    @Operation(summary = "List users", description = "System admins only; by username, q filters by a username substring.")
    ResponseEntity<List<User>> listUsers(Principal caller, @RequestParam(required = false) String q,
                                         @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                         @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        access.requireSystemAdmin(caller);
        Paging paging = Paging.of(page, pageSize);
        return paging.respond(users.list(q, paging.index(), paging.size()), users.count(q));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get a user", description = "System admins only.")
    User getUser(Principal caller, @PathVariable long id) {
        access.requireSystemAdmin(caller);
        return users.require(id);
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Change a user's e-mail, full name or system-admin flag", description = "System admins only.")
    User updateUser(Principal caller, @PathVariable long id, @Valid @RequestBody UserChanges body) {
        access.requireSystemAdmin(caller);
        return users.update(id, body.email(), body.fullName(), body.systemAdmin());
    }

    @PutMapping("/{id}/password")
    @Operation(summary = "Set a user's password", description = "System admins only; tokens issued before stop working.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> resetPassword(Principal caller, @PathVariable long id, @Valid @RequestBody PasswordReset body) {
        access.requireSystemAdmin(caller);
        users.resetPassword(id, body.password());
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{id}/login-failures")
    @Operation(summary = "Forget a user's failed logins",
            description = "System admins only. Ends at once the waits that failed logins of this user imposed (from any"
                    + " address); the waits of an address over all names end on their own. Audited as unlock.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> clearLoginFailures(Principal caller, @PathVariable long id) {
        access.requireSystemAdmin(caller);
        users.clearLoginFailures(id);
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a user", description = "System admins only; the built-in admin stays.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> deleteUser(Principal caller, @PathVariable long id) {
        access.requireSystemAdmin(caller);
        users.delete(id);
        return ResponseEntity.noContent().build();
    }
}
