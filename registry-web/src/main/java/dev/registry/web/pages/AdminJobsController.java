package dev.registry.web.pages;

import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Principal;
import dev.registry.core.job.Job;
import dev.registry.core.job.JobRun;
import dev.registry.core.job.JobService;
import dev.registry.web.ConsolePaths;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Issue 13, page 9, Jobs (system admins only), over {@link JobService} as {@code /api/v1/jobs}:
 * the jobs with their last run, start one (with its parameters, the job's defaults shown), a run's
 * live progress (an htmx fragment polled every 2 s while it runs), stop it, and each job's history.
 */
@Controller
class AdminJobsController {

    static final String JOBS = ConsolePaths.ADMIN + "/jobs";
    /** Form fields carrying a job's parameters: {@code param.dryRun}. */
    private static final String PARAMETER = "param.";

    record JobRow(Job job, JobRun lastRun) {
    }

    /** A parameter of a job as the start form shows it: its name and its value when not given (null: none). */
    record Parameter(String name, String fallback) {
    }

    private final AccessService access;
    private final JobService jobs;

    AdminJobsController(AccessService access, JobService jobs) {
        this.access = access;
        this.jobs = jobs;
    }

    @GetMapping(JOBS)
    String list(Principal.User me, Model model) {
        access.requireSystemAdmin(me);
        model.addAttribute("jobs", jobs.jobs().stream().map(job -> new JobRow(job, jobs.latest(job.name()).orElse(null))).toList());
        return "admin-jobs";
    }

    @GetMapping(JOBS + "/{job}")
    String job(Principal.User me, @PathVariable String job, @RequestParam(required = false) Integer page,
               @RequestParam(name = "page_size", required = false) Integer pageSize, Model model) {
        access.requireSystemAdmin(me);
        Job known = jobs.require(job);
        PageWindow window = PageWindow.of(page, pageSize, JOBS + "/" + known.name(), Map.of());
        model.addAttribute("job", known);
        model.addAttribute("parameters", new TreeSet<>(known.parameterNames()).stream()
                .map(name -> new Parameter(name, known.defaults().get(name))).toList());
        model.addAttribute("runs", jobs.runs(known.name(), (int) window.offset(), window.size()));
        model.addAttribute("window", window.withTotal(jobs.countRuns(known.name())));
        if (!model.containsAttribute("given")) {
            model.addAttribute("given", Map.of());
        }
        return "admin-job";
    }

    @PostMapping(JOBS + "/{job}/runs")
    String start(Principal.User me, @PathVariable String job, @RequestParam Map<String, String> form, Model model) {
        access.requireSystemAdmin(me);
        Job known = jobs.require(job);
        Map<String, String> given = new LinkedHashMap<>();
        form.forEach((name, value) -> {
            if (name.startsWith(PARAMETER) && value != null && !value.isBlank()) {
                given.put(name.substring(PARAMETER.length()), value.strip());
            }
        });
        try {
            JobRun run = jobs.start(known.name(), me.name(), given);
            return "redirect:" + JOBS + "/" + known.name() + "/runs/" + run.id();
        } catch (RegistryException e) {
            model.addAttribute("startError", e.getMessage());
            model.addAttribute("startField", AdminUsersController.refusedField(e));
            model.addAttribute("given", given);
            return job(me, job, null, null, model);
        }
    }

    @GetMapping(JOBS + "/{job}/runs/{id}")
    String run(Principal.User me, @PathVariable String job, @PathVariable long id, Model model) {
        access.requireSystemAdmin(me);
        model.addAttribute("job", jobs.require(job));
        model.addAttribute("run", jobs.require(job, id));
        return "admin-job-run";
    }

    /** The live part of a run's page, polled while it runs; finished, it renders without the trigger and polling stops. */
    @GetMapping(JOBS + "/{job}/runs/{id}/progress")
    String progress(Principal.User me, @PathVariable String job, @PathVariable long id, HttpServletRequest request,
                    HttpServletResponse response, Model model) {
        access.requireSystemAdmin(me);
        JobRun run = jobs.require(job, id);
        LiveProgress.reloadWhenFinished(run.state(), request, response);
        model.addAttribute("run", run);
        return "admin-job-run :: progress";
    }

    @PostMapping(JOBS + "/{job}/runs/{id}/stop")
    String stop(Principal.User me, @PathVariable String job, @PathVariable long id) {
        access.requireSystemAdmin(me);
        jobs.require(job, id);
        jobs.requestStop(id);
        return "redirect:" + JOBS + "/" + job + "/runs/" + id;
    }
}
