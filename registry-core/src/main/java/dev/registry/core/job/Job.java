package dev.registry.core.job;

import java.util.Map;
import java.util.Set;

/**
 * A unit of background work that runs once across replicas (under its job lock) and leaves a
 * {@link JobRun} in the history. Implementations are Spring beans; {@link JobService} finds them.
 */
public interface Job {

    /** Unique, stable, URL-safe: {@code upload-cleanup}. Also the name of its job lock. */
    String name();

    String description();

    /**
     * Does the work. Report progress through {@code context} and stop early (returning what was
     * done) when {@link Context#stopRequested()} turns true. A thrown exception marks the run failed.
     *
     * @return a one-line summary for the history
     */
    String run(Context context) throws Exception;

    /** The parameters a run takes and their values when not given (a run shows them all); none by default. */
    default Map<String, String> defaults() {
        return Map.of();
    }

    /** The names a run takes: those with a default, and any without one. */
    default Set<String> parameterNames() {
        return defaults().keySet();
    }

    /**
     * Refuses values the job cannot run with ({@code INVALID_INPUT} naming the parameter), before
     * anything starts. {@code parameters} holds the defaults and what was given.
     */
    default void check(Map<String, String> parameters) {
    }

    /** What a running job can tell and ask. */
    interface Context {
        /** The id of this run in the history ({@link JobRun#id()}). */
        long runId();

        /** What the run was started with (empty for a plain run): each job documents the names it reads. */
        Map<String, String> parameters();

        void progress(String text);

        /** Whether someone asked this run to stop (read from the database: any replica may ask). */
        boolean stopRequested();
    }
}
