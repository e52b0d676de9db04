package dev.registry.api.management;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.CredentialService;
import dev.registry.core.access.Principal;
import dev.registry.core.access.User;
import dev.registry.core.access.UserService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The caller's own account: who am I, and changing my password. */
@RestController
@RequestMapping("/api/v1/users/current")
@Tag(name = "users")
class CurrentUserController {

    /**
     * @param kind {@code user} or {@code robot}; a robot has no id, e-mail or full name here
     */
    record CurrentUser(Long id, String username, String kind, String email, String fullName, boolean systemAdmin) {
    }

    record PasswordChange(@NotBlank String oldPassword, @NotBlank String newPassword) {
    }

    private final ManagementAccess access;
    private final UserService users;

    CurrentUserController(ManagementAccess access, UserService users) {
        this.access = access;
        this.users = users;
    }

    @GetMapping
    @Operation(summary = "Who the caller is", description = "Any signed-in user or robot.")
    CurrentUser getCurrentUser(Principal caller) {
        access.requireSignedIn(caller);
        if (caller instanceof Principal.User user) {
            User u = users.require(user.id());
            return new CurrentUser(u.id(), u.username(), "user", u.email(), u.fullName(), u.systemAdmin());
        }
        return new CurrentUser(null, caller.name(), CredentialService.kindOf(caller), null, null, false);
    }

    @PutMapping("/password")
    @Operation(summary = "Change the caller's password", description = "Users only; the old password must be given. "
            + "Tokens issued before stop working.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> changeOwnPassword(Principal caller, @Valid @RequestBody PasswordChange body) {
        access.requireSignedIn(caller);
        if (!(caller instanceof Principal.User user)) {
            throw new RegistryException(ErrorCode.DENIED, "a robot has a secret, not a password; rotate it instead");
        }
        users.changePassword(user.id(), body.oldPassword(), body.newPassword());
        return ResponseEntity.noContent().build();
    }
}
