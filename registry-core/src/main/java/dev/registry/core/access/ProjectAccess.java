package dev.registry.core.access;

import java.util.Set;

/**
 * What one principal may do in one project, as decided now.
 *
 * @param projectId {@code null} when no project of that name exists
 */
public record ProjectAccess(String project, Long projectId, boolean isPublic, Set<Action> actions) {

    public boolean exists() {
        return projectId != null;
    }

    public boolean may(Action action) {
        return actions.contains(action);
    }
}
