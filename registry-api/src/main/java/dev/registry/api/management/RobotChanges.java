package dev.registry.api.management;

import jakarta.validation.constraints.Size;

/**
 * Only the fields given change.
 *
 * @param disabled      true disables the robot (its tokens stop working at once), false enables it
 * @param expiresInDays a new expiry counted from now: 1 to 36500 days, or -1 for never
 */
record RobotChanges(Boolean disabled, @Size(max = 1024) String description, Integer expiresInDays) {
}
