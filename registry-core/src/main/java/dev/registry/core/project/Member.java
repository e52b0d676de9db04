package dev.registry.core.project;

/**
 * A principal's role in a project. Only users are members today; {@code kind} keeps room for
 * directory groups.
 */
public record Member(long projectId, MemberKind kind, long principalId, String principalName, Role role) {

    public enum MemberKind { USER, GROUP }
}
