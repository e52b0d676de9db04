package dev.registry.core;

/**
 * A fact a feature publishes after it changed something (past tense: {@code ArtifactPushed},
 * {@code ProjectDeleted}), for other features to react to without the publisher knowing them.
 * Published inside the transaction that made the change; listeners that must only see committed
 * facts use {@code @TransactionalEventListener} (after commit), so they can neither slow nor break
 * the change itself.
 */
public interface DomainEvent {

    /** Who caused it ({@link Actor#current()} when it was published). */
    Actor actor();
}
