package dev.registry.core.access;

import java.util.Set;

/**
 * What one principal may do in one project, as decided now.
 *
 * @param projectId {@code null} when no project of that name exists
 * @param proxy     a proxy project (pull-through cache): it takes no pushes, whoever asks
 */
public record ProjectAccess(String project, Long projectId, boolean isPublic, Set<Action> actions, boolean proxy) {

    public ProjectAccess(String project, Long projectId, boolean isPublic, Set<Action> actions) {
        this(project, projectId, isPublic, actions, false);
    }

    public boolean exists() {
        return projectId != null;
    }

    public boolean may(Action action) {
        return actions.contains(action);
    }
}
