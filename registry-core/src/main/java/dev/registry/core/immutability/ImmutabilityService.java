package dev.registry.core.immutability;

import dev.registry.core.Actor;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.artifact.TagGuard;
import dev.registry.core.project.ProjectUpdated;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tag immutability rules of a project, and the guard that enforces them on every tag change: a
 * protected tag cannot be moved to another digest or deleted (directly, or by deleting its
 * manifest), and retention leaves it alone. Pushing a protected tag for the first time, or again
 * with the same digest, is allowed. Rules are read from the database for each change (one indexed
 * query, before the change takes the project's lock: see {@link TagGuard}), so a new rule holds at
 * once on every replica. Patterns are matched in linear time ({@link DoublestarPattern}).
 */
@Service
public class ImmutabilityService implements TagGuard {

    /** At most this many rules per project, as Harbor. */
    public static final int MAX_RULES = 15;

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    public ImmutabilityService(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    public List<ImmutabilityRule> rules(String project) {
        return jdbc.sql("SELECT r.id, p.name, r.repository_pattern, r.tag_pattern, r.created_by, r.created_at"
                        + " FROM immutability_rule r JOIN project p ON p.id = r.project_id WHERE p.name = ? ORDER BY r.id")
                .param(project)
                .query((rs, n) -> new ImmutabilityRule(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getObject(6, java.time.OffsetDateTime.class).toInstant()))
                .list();
    }

    @Transactional
    public ImmutabilityRule create(long projectId, String repositoryPattern, String tagPattern, String createdBy) {
        DoublestarPattern.compile(repositoryPattern, "repositoryPattern");
        DoublestarPattern.compile(tagPattern, "tagPattern");
        long count = jdbc.sql("SELECT count(*) FROM immutability_rule WHERE project_id = ?").param(projectId)
                .query(Long.class).single();
        if (count >= MAX_RULES) {
            throw new RegistryException(ErrorCode.CONFLICT, "a project has at most " + MAX_RULES + " immutability rules");
        }
        Instant now = Instant.now();
        jdbc.sql("INSERT INTO immutability_rule (project_id, repository_pattern, tag_pattern, created_by, created_at)"
                        + " VALUES (?, ?, ?, ?, ?)")
                .params(projectId, repositoryPattern, tagPattern, createdBy, now.atOffset(ZoneOffset.UTC)).update();
        long id = jdbc.sql("SELECT max(id) FROM immutability_rule WHERE project_id = ? AND repository_pattern = ?"
                        + " AND tag_pattern = ?").params(projectId, repositoryPattern, tagPattern).query(Long.class).single();
        String project = jdbc.sql("SELECT name FROM project WHERE id = ?").param(projectId).query(String.class).single();
        ImmutabilityRule rule = new ImmutabilityRule(id, project, repositoryPattern, tagPattern, createdBy, now);
        events.publishEvent(new ProjectUpdated(Actor.current(), project, "added " + rule.describe()));
        return rule;
    }

    @Transactional
    public void delete(long projectId, long ruleId) {
        if (jdbc.sql("DELETE FROM immutability_rule WHERE id = ? AND project_id = ?").params(ruleId, projectId).update() == 0) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "the project has no immutability rule " + ruleId,
                    Map.of("field", "id"));
        }
        String project = jdbc.sql("SELECT name FROM project WHERE id = ?").param(projectId).query(String.class).single();
        events.publishEvent(new ProjectUpdated(Actor.current(), project, "removed immutability rule " + ruleId));
    }

    /** The first rule protecting {@code tag} in {@code repository}, if any. */
    public Optional<ImmutabilityRule> protecting(RepositoryName repository, String tag) {
        return first(applicable(repository), tag);
    }

    /**
     * Which of {@code tags} of {@code repository} are immutable, each with the first rule that
     * protects it (for lists that mark immutable tags): one read of the project's rules for the
     * whole batch. Tags no rule protects are absent.
     */
    public Map<String, ImmutabilityRule> immutableTags(RepositoryName repository, Collection<String> tags) {
        List<Compiled> applicable = applicable(repository);
        Map<String, ImmutabilityRule> protectedTags = new java.util.LinkedHashMap<>();
        if (!applicable.isEmpty()) {
            tags.forEach(tag -> first(applicable, tag).ifPresent(rule -> protectedTags.put(tag, rule)));
        }
        return protectedTags;
    }

    /**
     * Reads the project's rules and decides for {@code tags} now, before the caller takes the
     * project's lock; under the lock the answers come from these decisions (a tag not among them is
     * matched then: linear in the tag, at most {@value #MAX_RULES} rules).
     */
    @Override
    public Check prepare(RepositoryName repository, Collection<String> tags) {
        List<Compiled> applicable = applicable(repository);
        Map<String, Optional<ImmutabilityRule>> decided = new HashMap<>();
        tags.forEach(tag -> decided.put(tag, first(applicable, tag)));
        return tag -> decided.computeIfAbsent(tag, t -> first(applicable, t)).ifPresent(rule -> {
            throw new RegistryException(ErrorCode.DENIED, "tag " + tag + " of " + repository + " is immutable: "
                    + rule.describe());
        });
    }

    /** A rule whose repository pattern matches, with its compiled tag pattern. */
    private record Compiled(ImmutabilityRule rule, DoublestarPattern tags) {
    }

    private List<Compiled> applicable(RepositoryName repository) {
        String path = pathInProject(repository);
        return rules(repository.project()).stream()
                .filter(rule -> DoublestarPattern.compile(rule.repositoryPattern(), "repositoryPattern").matches(path))
                .map(rule -> new Compiled(rule, DoublestarPattern.compile(rule.tagPattern(), "tagPattern")))
                .toList();
    }

    private static Optional<ImmutabilityRule> first(List<Compiled> applicable, String tag) {
        return applicable.stream().filter(c -> c.tags().matches(tag)).map(Compiled::rule).findFirst();
    }

    /**
     * {@code team/app} for {@code project/team/app}; {@code alpine} for {@code library/alpine},
     * also when it was pushed as {@code alpine} (names are canonical, {@link RepositoryName}).
     */
    static String pathInProject(RepositoryName repository) {
        return repository.pathInProject();
    }
}
