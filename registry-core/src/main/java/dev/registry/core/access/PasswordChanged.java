package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A user's password changed: by the user ({@code reset} false) or set by a system admin ({@code reset} true). */
public record PasswordChanged(Actor actor, String username, boolean reset) implements DomainEvent {
}
