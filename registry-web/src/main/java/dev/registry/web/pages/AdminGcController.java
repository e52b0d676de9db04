package dev.registry.web.pages;

import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Principal;
import dev.registry.core.gc.GcRun;
import dev.registry.core.gc.GcService;
import dev.registry.core.job.JobRun;
import dev.registry.web.ConsolePaths;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Issue 13, page 9, Garbage collection (system admins only), over {@link GcService} as
 * {@code /api/v1/gc}: the schedule, the review queues, a dry run, a real run after a confirmation
 * saying what goes, a run's live progress (an htmx fragment polled every 2 s while it runs), its
 * counts, bytes freed and items, and the history.
 */
@Controller
class AdminGcController {

    static final String GC = ConsolePaths.ADMIN + "/gc";

    private final AccessService access;
    private final GcService gc;

    AdminGcController(AccessService access, GcService gc) {
        this.access = access;
        this.gc = gc;
    }

    @GetMapping(GC)
    String overview(Principal.User me, @RequestParam(required = false) Integer page,
                    @RequestParam(name = "page_size", required = false) Integer pageSize, Model model) {
        access.requireSystemAdmin(me);
        PageWindow window = PageWindow.of(page, pageSize, GC, Map.of());
        model.addAttribute("settings", gc.settings());
        model.addAttribute("queues", gc.queues());
        model.addAttribute("runs", gc.runs((int) window.offset(), window.size()));
        model.addAttribute("window", window.withTotal(gc.countRuns()));
        if (!model.containsAttribute("scheduleValue")) {
            model.addAttribute("scheduleValue", gc.settings().schedule());
        }
        return "admin-gc";
    }

    @PostMapping(GC + "/schedule")
    String schedule(Principal.User me, @RequestParam(required = false) String schedule,
                    @RequestParam(name = "deleteUntagged", defaultValue = "false") boolean deleteUntagged, Model model) {
        access.requireSystemAdmin(me);
        try {
            gc.setSchedule(schedule, deleteUntagged, me.name());
            return "redirect:" + GC + "?scheduled";
        } catch (RegistryException e) {
            model.addAttribute("scheduleError", e.getMessage());
            model.addAttribute("scheduleValue", schedule);
            return overview(me, null, null, model);
        }
    }

    /** The confirmation of a real run: what it deletes, and what the latest dry run found. */
    @GetMapping(GC + "/run")
    String confirmRun(Principal.User me, @RequestParam(name = "deleteUntagged", defaultValue = "false") boolean deleteUntagged,
                      Model model) {
        access.requireSystemAdmin(me);
        model.addAttribute("deleteUntagged", deleteUntagged);
        model.addAttribute("queues", gc.queues());
        model.addAttribute("lastDryRun", gc.runs(0, 20).stream()
                .filter(r -> r.dryRun() && r.state() == JobRun.State.SUCCEEDED).findFirst().orElse(null));
        return "admin-gc-run-confirm";
    }

    @PostMapping(GC + "/runs")
    String start(Principal.User me, @RequestParam boolean dryRun,
                 @RequestParam(name = "deleteUntagged", defaultValue = "false") boolean deleteUntagged) {
        access.requireSystemAdmin(me);
        GcRun run = gc.start(dryRun, deleteUntagged, me.name());
        return "redirect:" + GC + "/runs/" + run.id();
    }

    @GetMapping(GC + "/runs/{id}")
    String run(Principal.User me, @PathVariable long id, @RequestParam(required = false) Integer page,
               @RequestParam(name = "page_size", required = false) Integer pageSize, Model model) {
        access.requireSystemAdmin(me);
        GcRun run = gc.run(id);
        PageWindow window = PageWindow.of(page, pageSize, GC + "/runs/" + id, Map.of());
        List<GcRun.Item> items = gc.items(id, (int) window.offset(), window.size());
        model.addAttribute("run", run);
        model.addAttribute("items", items);
        model.addAttribute("window", window.withTotal(gc.countItems(id)));
        return "admin-gc-run";
    }

    /** The live part of a run's page, polled while it runs; finished, it renders without the trigger and polling stops. */
    @GetMapping(GC + "/runs/{id}/progress")
    String progress(Principal.User me, @PathVariable long id, HttpServletRequest request, HttpServletResponse response, Model model) {
        access.requireSystemAdmin(me);
        GcRun run = gc.run(id);
        LiveProgress.reloadWhenFinished(run.state(), request, response);
        model.addAttribute("run", run);
        return "admin-gc-run :: progress";
    }

    @PostMapping(GC + "/runs/{id}/stop")
    String stop(Principal.User me, @PathVariable long id) {
        access.requireSystemAdmin(me);
        gc.requestStop(id);
        return "redirect:" + GC + "/runs/" + id;
    }
}
