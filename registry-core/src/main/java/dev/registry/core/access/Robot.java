package dev.registry.core.access;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A robot account as the API shows it (never with its secret).
 *
 * @param project     the project of a project robot; {@code null} for a system robot
 * @param permissions project name ({@code *} for every project) to the actions listed for it
 * @param expiresAt   {@code null} for never
 * @param expiresSoon it expires within {@link RobotService#EXPIRY_WARNING}: pulls with it will soon fail
 */
public record Robot(long id, String name, String description, String project, Map<String, Set<Action>> permissions,
                    boolean canCreateProjects, boolean disabled, Instant expiresAt, boolean expired, boolean expiresSoon,
                    String createdBy, Instant createdAt) {
}
