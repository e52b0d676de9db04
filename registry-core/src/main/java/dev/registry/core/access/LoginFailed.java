package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/**
 * Credentials were refused: wrong password or secret, unknown name, or a robot that may not act.
 * The {@code actor} is anonymous (nobody proved who they are) with the client's address;
 * {@code name} is the name that was tried. Published outside any transaction, so the audit log
 * takes it at once.
 */
public record LoginFailed(Actor actor, String name, String reason) implements DomainEvent {
}
