package dev.registry.core.audit;

import java.time.Instant;

/**
 * One row of the audit log.
 *
 * @param occurredAt when it happened; for a {@code pull} row the start of the hour its pulls were counted in
 * @param project    the project's name, or null for what belongs to none (users, system robots)
 * @param resource   what was acted on: {@code repository:tag}, {@code repository@digest}, a robot's or user's name
 * @param count      1, or for a {@code pull} row the number of manifest pulls it stands for
 * @param cause      why, when the entry is part of a larger piece of work: {@code gc-run:42},
 *                   {@code retention-execution:7 rule 1: …}; null for a change a request asked for itself
 */
public record AuditEvent(long id, Instant occurredAt, String actor, String actorKind, String clientAddress, String project,
                         String resource, String operation, String detail, long count, String cause) {
}
