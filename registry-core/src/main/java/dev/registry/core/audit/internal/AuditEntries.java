package dev.registry.core.audit.internal;

import dev.registry.core.DomainEvent;
import dev.registry.core.access.LoginFailed;
import dev.registry.core.access.LoginFailuresCleared;
import dev.registry.core.access.PasswordChanged;
import dev.registry.core.access.TokenIssued;
import dev.registry.core.access.RobotCreated;
import dev.registry.core.access.RobotDeleted;
import dev.registry.core.access.RobotRotated;
import dev.registry.core.access.RobotUpdated;
import dev.registry.core.access.UserCreated;
import dev.registry.core.access.UserDeleted;
import dev.registry.core.access.UserUpdated;
import dev.registry.core.artifact.ArtifactDeleted;
import dev.registry.core.artifact.ArtifactPushed;
import dev.registry.core.artifact.RepositoryDeleted;
import dev.registry.core.artifact.TagDeleted;
import dev.registry.core.audit.AuditService.Entry;
import dev.registry.core.gc.GarbageCollected;
import dev.registry.core.gc.GarbageCollectionScheduled;
import dev.registry.core.project.MemberChanged;
import dev.registry.core.project.ProjectCreated;
import dev.registry.core.project.ProjectDeleted;
import dev.registry.core.project.ProjectUpdated;
import dev.registry.core.proxy.EndpointChanged;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * How each event reads in the audit log: project, resource, operation and detail. The one place
 * that knows every audited event; an event not listed here is not audited.
 */
final class AuditEntries {

    private AuditEntries() {
    }

    static Optional<Entry> of(DomainEvent event, Instant at) {
        Entry entry = switch (event) {
            case ArtifactPushed e -> new Entry(at, e.actor(), e.repository().project(),
                    e.repository() + (e.tag() == null ? "@" + e.digest() : ":" + e.tag()), "push",
                    e.digest() + " " + e.mediaType());
            case ArtifactDeleted e -> new Entry(at, e.actor(), e.repository().project(), e.repository() + "@" + e.digest(),
                    "delete", null);
            case TagDeleted e -> new Entry(at, e.actor(), e.repository().project(), e.repository() + ":" + e.tag(), "delete",
                    "tag only; the artifact stays");
            case RepositoryDeleted e -> new Entry(at, e.actor(), e.repository().project(), e.repository().value(), "delete",
                    "repository with " + e.artifacts() + " artifacts");
            case ProjectCreated e -> new Entry(at, e.actor(), e.project(), e.project(), "create", e.isPublic() ? "public" : "private");
            case ProjectUpdated e -> new Entry(at, e.actor(), e.project(), e.project(), "update", e.change());
            case ProjectDeleted e -> new Entry(at, e.actor(), e.project(), e.project(), "delete", null);
            case MemberChanged e -> new Entry(at, e.actor(), e.project(), "member:" + e.username(),
                    e.change().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    e.role() == null ? null : e.role().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            case RobotCreated e -> new Entry(at, e.actor(), e.project(), e.robot(), "create", null);
            case RobotRotated e -> new Entry(at, e.actor(), e.project(), e.robot(), "rotate", "new secret");
            case RobotUpdated e -> new Entry(at, e.actor(), e.project(), e.robot(), "update", e.change());
            case RobotDeleted e -> new Entry(at, e.actor(), e.project(), e.robot(), "delete", null);
            case UserCreated e -> new Entry(at, e.actor(), null, "user:" + e.username(), "create",
                    e.systemAdmin() ? "system admin" : null);
            case UserUpdated e -> new Entry(at, e.actor(), null, "user:" + e.username(), "update", e.change());
            case UserDeleted e -> new Entry(at, e.actor(), null, "user:" + e.username(), "delete", null);
            case PasswordChanged e -> new Entry(at, e.actor(), null, "user:" + e.username(), "update",
                    e.reset() ? "password reset by an administrator" : "password changed");
            case LoginFailed e -> new Entry(at, e.actor(), null, loginResource(e.name()), "login-failed", e.reason());
            case TokenIssued e -> new Entry(at, e.actor(), null, loginResource(e.actor().name()), "login",
                    e.scopes().isEmpty() ? "token without scope" : "token for " + String.join(" ", e.scopes()));
            case LoginFailuresCleared e -> new Entry(at, e.actor(), null, "user:" + e.username(), "unlock",
                    "failed logins forgotten (from " + e.addresses() + " address(es))");
            case EndpointChanged e -> new Entry(at, e.actor(), null, "endpoint:" + e.endpoint(), e.change().operation(), e.detail());
            case GarbageCollectionScheduled e -> new Entry(at, e.actor(), null, "gc", "update",
                    (e.schedule() == null ? "schedule off" : "schedule " + e.schedule()) + ", deleteUntagged=" + e.deleteUntagged());
            case GarbageCollected e -> new Entry(at, e.actor(), null, "gc", "delete", "run " + e.runId() + ": "
                    + e.counts().deletedManifests() + " manifest(s), " + e.counts().deletedBlobs() + " blob(s), "
                    + e.counts().freedBytes() + " bytes");
            default -> null;
        };
        return Optional.ofNullable(entry);
    }

    /** A login names a robot by its name and a user as {@code user:<name>}, as the other entries do. */
    private static String loginResource(String name) {
        return name.startsWith("robot.") ? name : "user:" + name;
    }
}
