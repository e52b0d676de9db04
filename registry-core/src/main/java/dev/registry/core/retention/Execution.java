package dev.registry.core.retention;

import java.time.Instant;
import java.util.List;

/**
 * One retention run of a project, as the history keeps it: counts overall and per repository, and
 * (when read one at a time) the decision for every artifact in scope. A dry run decides the same
 * way and changes nothing. While a real run goes on, {@code finishedAt} is null, {@code inScope}
 * says how many artifacts it decided on and {@code counts} grow as it carries the decisions out
 * (the decisions themselves are stored at the end). {@code inScope} is null for executions older
 * than this field.
 */
public record Execution(long id, String project, boolean dryRun, String triggeredBy, Instant startedAt, Instant finishedAt,
                        Integer inScope, Counts counts, List<RepositoryCounts> repositories, List<Decision> decisions) {

    /** Artifacts kept with their tags, kept without them, and deleted. */
    public record Counts(int retained, int untagged, int deleted) {
        public static Counts of(List<Decision> decisions) {
            return new Counts(count(decisions, Decision.Action.RETAIN), count(decisions, Decision.Action.UNTAG),
                    count(decisions, Decision.Action.DELETE));
        }

        private static int count(List<Decision> decisions, Decision.Action action) {
            return (int) decisions.stream().filter(d -> d.action() == action).count();
        }
    }

    public record RepositoryCounts(String repository, Counts counts) {
    }
}
