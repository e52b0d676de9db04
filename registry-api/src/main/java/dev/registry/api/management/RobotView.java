package dev.registry.api.management;

import dev.registry.core.access.Robot;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A robot account on the wire (never its secret).
 *
 * @param project     the project of a project robot; null for a system robot
 * @param permissions project name ({@code *}: every project) to the actions listed for it
 * @param expiresSoon it expires within 7 days: pulls with it will soon fail
 */
record RobotView(long id, String name, String description, String project, Map<String, List<String>> permissions,
                 boolean canCreateProjects, boolean disabled, Instant expiresAt, boolean expired, boolean expiresSoon,
                 String createdBy, Instant createdAt) {

    static RobotView of(Robot r) {
        Map<String, List<String>> permissions = new LinkedHashMap<>();
        r.permissions().forEach((project, actions) -> permissions.put(project, Wire.actions(actions)));
        return new RobotView(r.id(), r.name(), r.description(), r.project(), permissions, r.canCreateProjects(), r.disabled(),
                r.expiresAt(), r.expired(), r.expiresSoon(), r.createdBy(), r.createdAt());
    }
}
