package dev.registry.core.project;

/**
 * A member's role in a project, Harbor's five built-in roles. What each may do is
 * {@code dev.registry.core.access.PermissionMatrix} (and docs/permissions.md).
 */
public enum Role {
    PROJECT_ADMIN, MAINTAINER, DEVELOPER, GUEST, LIMITED_GUEST
}
