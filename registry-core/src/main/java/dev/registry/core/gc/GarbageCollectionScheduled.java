package dev.registry.core.gc;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** The garbage collection schedule changed. */
public record GarbageCollectionScheduled(Actor actor, String schedule, boolean deleteUntagged) implements DomainEvent {
}
