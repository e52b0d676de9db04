package dev.registry.api.management;

import dev.registry.core.access.Principal;
import dev.registry.core.gc.GcRun;
import dev.registry.core.gc.GcService;
import dev.registry.core.gc.GcSettings;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Online garbage collection (docs/gc-design.md): the schedule, runs by hand (dry or real), their
 * history with counts, bytes freed and every item deleted, and what waits in the review queues.
 * Runs are the {@code gc} job, so they also show under {@code /api/v1/jobs}. System admins only.
 */
@RestController
@RequestMapping("/api/v1/gc")
@Tag(name = "gc")
class GcController {

    /** The schedule, the queues and the latest run. */
    record GcOverview(GcSettings settings, GcService.Queues queues, GcRun lastRun) {
    }

    /** A new schedule: a cron expression (six fields, UTC) or null for none; deleteUntagged defaults to false. */
    record ScheduleChange(String schedule, Boolean deleteUntagged) {
    }

    private final ManagementAccess access;
    private final GcService gc;

    GcController(ManagementAccess access, GcService gc) {
        this.access = access;
        this.gc = gc;
    }

    @GetMapping
    @Operation(summary = "Garbage collection: schedule, queues, latest run", description = "System admins.")
    GcOverview getGc(Principal caller) {
        access.requireSystemAdmin(caller);
        List<GcRun> latest = gc.runs(0, 1);
        return new GcOverview(gc.settings(), gc.queues(), latest.isEmpty() ? null : latest.getFirst());
    }

    @PutMapping("/schedule")
    @Operation(summary = "Set the garbage collection schedule", description = "System admins. schedule: a cron expression of"
            + " six fields (second minute hour day month weekday, in UTC), e.g. \"0 0 2 * * *\", or null for none;"
            + " deleteUntagged: scheduled runs also delete untagged manifests. Audited.")
    GcSettings putGcSchedule(Principal caller, @RequestBody ScheduleChange body) {
        access.requireSystemAdmin(caller);
        return gc.setSchedule(body.schedule(), Boolean.TRUE.equals(body.deleteUntagged()), caller.name());
    }

    @PostMapping("/runs")
    @Operation(summary = "Start a garbage collection run", description = "System admins. dryRun (default true) changes nothing"
            + " and lists what would go; deleteUntagged (default false) also deletes untagged manifests that no kept index"
            + " lists and that are no referrer of a kept subject. 202 with the run (RUNNING, or SKIPPED when another replica"
            + " runs one now); follow it at its Location.")
    ResponseEntity<GcRun> startGc(Principal caller, @RequestParam(defaultValue = "true") boolean dryRun,
                                  @RequestParam(defaultValue = "false") boolean deleteUntagged) {
        access.requireSystemAdmin(caller);
        GcRun run = gc.start(dryRun, deleteUntagged, caller.name());
        return ResponseEntity.accepted().location(URI.create("/api/v1/gc/runs/" + run.id())).body(run);
    }

    @GetMapping("/runs")
    @Operation(summary = "Garbage collection runs, newest first", description = "System admins.")
    ResponseEntity<List<GcRun>> listGcRuns(Principal caller, @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                           @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        access.requireSystemAdmin(caller);
        Paging paging = Paging.of(page, pageSize);
        return paging.respond(gc.runs((int) paging.offset(), paging.size()), gc.countRuns());
    }

    @GetMapping("/runs/{id}")
    @Operation(summary = "One garbage collection run: state, progress, counts, bytes freed", description = "System admins.")
    GcRun getGcRun(Principal caller, @PathVariable long id) {
        access.requireSystemAdmin(caller);
        return gc.run(id);
    }

    @GetMapping("/runs/{id}/items")
    @Operation(summary = "What a run deleted (a dry run: would delete), and why", description = "System admins. Kinds:"
            + " manifest, blob, and link (a blob's link removed from one repository; the blob stayed).")
    ResponseEntity<List<GcRun.Item>> listGcItems(Principal caller, @PathVariable long id,
                                                 @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                                 @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        access.requireSystemAdmin(caller);
        Paging paging = Paging.of(page, pageSize);
        return paging.respond(gc.items(id, (int) paging.offset(), paging.size()), gc.countItems(id));
    }

    @PostMapping("/runs/{id}/stop")
    @Operation(summary = "Ask a running garbage collection to stop", description = "System admins. 409 when it is not running;"
            + " it stops after its current batch (what is left stays queued for the next run) and ends STOPPED.")
    GcRun stopGcRun(Principal caller, @PathVariable long id) {
        access.requireSystemAdmin(caller);
        return gc.requestStop(id);
    }
}
