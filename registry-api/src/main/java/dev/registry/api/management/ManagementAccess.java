package dev.registry.api.management;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectAccess;
import org.springframework.stereotype.Component;

/**
 * The management API's door to {@link AccessService}: it asks the one access decision and only
 * turns its answer into HTTP terms. A refusal is 404 when the project does not exist or is not
 * visible to the caller (a private project is not revealed), 403 when it is visible but the action
 * is not allowed, and 401 for an anonymous caller whatever the reason (signing in may help).
 */
@Component
class ManagementAccess {

    private final AccessService access;

    ManagementAccess(AccessService access) {
        this.access = access;
    }

    ProjectAccess require(Principal principal, String project, Action action) {
        try {
            return access.require(principal, project, action);
        } catch (RegistryException e) {
            if (principal.isAnonymous()) {
                throw new RegistryException(ErrorCode.UNAUTHORIZED, "sign in: " + e.getMessage());
            }
            throw e;
        }
    }

    void requireSystemAdmin(Principal principal) {
        access.requireSystemAdmin(principal);
    }

    /** Any signed-in caller (user or robot). */
    void requireSignedIn(Principal principal) {
        if (principal.isAnonymous()) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, "sign in with Basic credentials (a user's password or a robot's secret)");
        }
    }

    AccessService decision() {
        return access;
    }
}
