package dev.registry.api.management;

import dev.registry.core.access.Principal;
import dev.registry.core.job.Job;
import dev.registry.core.job.JobRun;
import dev.registry.core.job.JobService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Background jobs (upload clean-up now; retention, garbage collection and quota recalculation as
 * they arrive): list them with their last run, start one, follow and stop a run, read the
 * history. A job runs on one replica at a time; system admins only.
 */
@RestController
@RequestMapping("/api/v1/jobs")
@Tag(name = "jobs")
class JobController {

    record JobView(String name, String description, JobRun lastRun) {
    }

    private final ManagementAccess access;
    private final JobService jobs;

    JobController(ManagementAccess access, JobService jobs) {
        this.access = access;
        this.jobs = jobs;
    }

    @GetMapping
    @Operation(summary = "List jobs with their last run", description = "System admins.")
    List<JobView> listJobs(Principal caller) {
        access.requireSystemAdmin(caller);
        return jobs.jobs().stream().map(job -> new JobView(job.name(), job.description(), jobs.latest(job.name()).orElse(null)))
                .toList();
    }

    @PostMapping("/{job}/runs")
    @Operation(summary = "Start a run", description = "System admins. Query parameters are the job's parameters (gc: dryRun,"
            + " default true, and deleteUntagged, default false; retention: projects, comma-separated ids); the run's"
            + " parameters show them all, defaults included. A parameter the job does not take, or a bad value, is a 400"
            + " naming it. 202 with the run (RUNNING), or SKIPPED when another replica runs the job now; follow it at its"
            + " Location.")
    ResponseEntity<JobRun> startJob(Principal caller, @PathVariable String job,
                                    @Parameter(hidden = true) @RequestParam Map<String, String> parameters) {
        access.requireSystemAdmin(caller);
        JobRun run = jobs.start(job, caller.name(), parameters);
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + job + "/runs/" + run.id())).body(run);
    }

    @GetMapping("/{job}/runs")
    @Operation(summary = "A job's runs, newest first", description = "System admins.")
    ResponseEntity<List<JobRun>> listJobRuns(Principal caller, @PathVariable String job,
                                             @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                             @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        access.requireSystemAdmin(caller);
        Paging paging = Paging.of(page, pageSize);
        Job known = jobs.require(job);
        return paging.respond(jobs.runs(known.name(), (int) paging.offset(), paging.size()), jobs.countRuns(known.name()));
    }

    @GetMapping("/{job}/runs/{id}")
    @Operation(summary = "One run: state, progress, summary", description = "System admins.")
    JobRun getJobRun(Principal caller, @PathVariable String job, @PathVariable long id) {
        access.requireSystemAdmin(caller);
        return jobs.require(job, id);
    }

    @PostMapping("/{job}/runs/{id}/stop")
    @Operation(summary = "Ask a running run to stop", description = "System admins. 409 when the run is not running;"
            + " the run stops at its next check and ends STOPPED.")
    JobRun stopJobRun(Principal caller, @PathVariable String job, @PathVariable long id) {
        access.requireSystemAdmin(caller);
        jobs.require(job, id);
        return jobs.requestStop(id);
    }
}
