package dev.registry.core.gc;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A garbage collection run (not a dry run) finished; what it deleted is in its history. */
public record GarbageCollected(Actor actor, long runId, GcRun.Counts counts) implements DomainEvent {
}
