package dev.registry.core.project;

import dev.registry.core.Actor;
import dev.registry.core.DomainEvent;

/** A user became a member of a project, got another role, or left it ({@code role} null when removed). */
public record MemberChanged(Actor actor, String project, String username, Role role, Change change) implements DomainEvent {

    public enum Change { ADDED, ROLE_CHANGED, REMOVED }
}
