package dev.registry.core.access;

import static dev.registry.core.access.Action.CREATE_TAG;
import static dev.registry.core.access.Action.DELETE_ARTIFACT;
import static dev.registry.core.access.Action.DELETE_PROJECT;
import static dev.registry.core.access.Action.DELETE_TAG;
import static dev.registry.core.access.Action.LIST_REPOSITORIES;
import static dev.registry.core.access.Action.MANAGE_MEMBERS;
import static dev.registry.core.access.Action.MANAGE_POLICIES;
import static dev.registry.core.access.Action.MANAGE_ROBOTS;
import static dev.registry.core.access.Action.PULL;
import static dev.registry.core.access.Action.PUSH;
import static dev.registry.core.access.Action.READ_AUDIT;
import static dev.registry.core.access.Action.READ_MEMBERS;
import static dev.registry.core.access.Action.READ_ROBOTS;
import static dev.registry.core.access.Action.UPDATE_PROJECT;

import dev.registry.core.project.Role;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one place that says what each project role may do (Harbor's "User Permissions By Role",
 * narrowed to what this registry has). docs/permissions.md shows the same table; a test keeps the
 * two identical. System admins may do everything everywhere; anyone may pull from a public project.
 */
public final class PermissionMatrix {

    private static final Map<Role, Set<Action>> BY_ROLE = new EnumMap<>(Role.class);

    static {
        Set<Action> limitedGuest = EnumSet.of(PULL, LIST_REPOSITORIES);
        Set<Action> guest = with(limitedGuest, READ_MEMBERS, READ_AUDIT);
        Set<Action> developer = with(guest, PUSH, CREATE_TAG);
        Set<Action> maintainer = with(developer, DELETE_ARTIFACT, DELETE_TAG, READ_ROBOTS, MANAGE_POLICIES);
        Set<Action> projectAdmin = with(maintainer, MANAGE_MEMBERS, MANAGE_ROBOTS, UPDATE_PROJECT, DELETE_PROJECT);
        BY_ROLE.put(Role.LIMITED_GUEST, limitedGuest);
        BY_ROLE.put(Role.GUEST, guest);
        BY_ROLE.put(Role.DEVELOPER, developer);
        BY_ROLE.put(Role.MAINTAINER, maintainer);
        BY_ROLE.put(Role.PROJECT_ADMIN, projectAdmin);
    }

    /** What anyone, even anonymous, may do in a public project. */
    public static final Set<Action> PUBLIC = Collections.unmodifiableSet(EnumSet.of(PULL, LIST_REPOSITORIES));

    /** What may be listed on a robot account: artifact work, never people or other robots. */
    public static final Set<Action> ROBOT_GRANTABLE = Collections.unmodifiableSet(
            EnumSet.of(PULL, PUSH, DELETE_ARTIFACT, CREATE_TAG, DELETE_TAG, LIST_REPOSITORIES, READ_AUDIT, MANAGE_POLICIES));

    private PermissionMatrix() {
    }

    public static Set<Action> of(Role role) {
        return BY_ROLE.get(role);
    }

    public static Set<Action> all() {
        return Collections.unmodifiableSet(EnumSet.allOf(Action.class));
    }

    private static Set<Action> with(Set<Action> base, Action... more) {
        EnumSet<Action> set = EnumSet.copyOf(base);
        Collections.addAll(set, more);
        return Collections.unmodifiableSet(set);
    }
}
