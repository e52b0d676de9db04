package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;
import java.util.List;

/**
 * The token service issued an access token to a signed-in user or robot (the registry's
 * "login": a client fetches one per push or pull session). {@code scopes} is what was granted.
 * Anonymous tokens are not published: nobody logged in.
 */
public record TokenIssued(Actor actor, List<String> scopes) implements DomainEvent {
}
