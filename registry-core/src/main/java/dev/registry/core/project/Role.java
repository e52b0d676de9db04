package dev.registry.core.project;

import java.util.Arrays;
import java.util.Locale;

/**
 * A member's role in a project, Harbor's five built-in roles. What each may do is
 * {@code dev.registry.core.access.PermissionMatrix} (and docs/permissions.md).
 */
public enum Role {
    PROJECT_ADMIN, MAINTAINER, DEVELOPER, GUEST, LIMITED_GUEST;

    /** The role's name in the API and the console: {@code project-admin}, {@code maintainer}, … {@code limited-guest}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The role named {@code name} ({@link #wireName()}); {@link IllegalArgumentException} naming the roles otherwise. */
    public static Role fromWireName(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown role '" + name + "'; one of "
                        + Arrays.stream(values()).map(Role::wireName).toList()));
    }
}
