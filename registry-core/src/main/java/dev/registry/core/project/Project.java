package dev.registry.core.project;

import java.time.Instant;

/**
 * A project: the first path component of its repositories' names. Public projects may be pulled
 * by anyone, even anonymously.
 *
 * @param quotaBytes storage quota in bytes, {@code null} for none
 */
public record Project(long id, String name, boolean isPublic, Long quotaBytes, String createdBy, Instant createdAt) {
}
