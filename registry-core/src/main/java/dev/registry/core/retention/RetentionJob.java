package dev.registry.core.retention;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.job.Job;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code retention} job: runs every project's retention policy for real, one project after
 * the other, through the job mechanism (one replica at a time, history in {@code job_run}; each
 * project's execution also lands in its own retention history). Started by hand through
 * {@code /api/v1/jobs/retention/runs}, by {@code registry.retention.schedule} (a cron expression;
 * off by default), or for the projects whose own policy schedule is due (parameter
 * {@code projects}: their ids, comma-separated). A stop request ends it between projects; its
 * progress names the project it is at and how far that project's run is.
 */
@Component
public class RetentionJob implements Job {

    public static final String NAME = "retention";
    /** Parameter: the ids of the projects to run, comma-separated; all projects with a policy when absent. */
    public static final String PROJECTS = "projects";

    private final RetentionService retention;
    private final JdbcClient jdbc;

    public RetentionJob(RetentionService retention, JdbcClient jdbc) {
        this.retention = retention;
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "runs every project's tag retention policy (not a dry run)";
    }

    @Override
    public java.util.Set<String> parameterNames() {
        return java.util.Set.of(PROJECTS);
    }

    @Override
    public void check(Map<String, String> parameters) {
        String only = parameters.get(PROJECTS);
        if (only != null && !only.matches("\\s*\\d{1,18}\\s*(,\\s*\\d{1,18}\\s*)*")) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, PROJECTS + " is a comma-separated list of project ids, not '"
                    + only + "'", Map.of("field", PROJECTS));
        }
    }

    @Override
    public String run(Context context) {
        List<Long> projects = jdbc.sql("SELECT project_id FROM retention_policy ORDER BY project_id").query(Long.class).list();
        String only = context.parameters().get(PROJECTS);
        if (only != null) {
            java.util.Set<Long> wanted = java.util.Arrays.stream(only.split(",")).map(String::trim).filter(id -> !id.isEmpty())
                    .map(Long::valueOf).collect(java.util.stream.Collectors.toSet());
            projects = projects.stream().filter(wanted::contains).toList();
        }
        int done = 0;
        int untagged = 0;
        int deleted = 0;
        List<String> failed = new java.util.ArrayList<>();
        for (long projectId : projects) {
            if (context.stopRequested()) {
                break;
            }
            int at = done + 1;
            int of = projects.size();
            try {
                Execution execution = retention.execute(projectId, false, "schedule", (carried, inScope) ->
                        context.progress("project " + at + " of " + of + " (id " + projectId + "): " + carried + " of "
                                + inScope + " decisions carried out"));
                untagged += execution.counts().untagged();
                deleted += execution.counts().deleted();
                done++;
            } catch (RegistryException e) {
                // one project's policy that cannot run (a stored rule that no longer compiles) does not stop the others
                failed.add("project id " + projectId + ": " + e.getMessage());
            }
            context.progress((done + failed.size()) + " of " + of + " projects");
        }
        String summary = done + " of " + projects.size() + " project policies run: " + untagged + " artifacts untagged, "
                + deleted + " deleted";
        if (!failed.isEmpty()) {
            throw new RegistryException(ErrorCode.CONFLICT, summary + "; " + failed.size() + " not run: "
                    + String.join("; ", failed));
        }
        return summary;
    }
}
