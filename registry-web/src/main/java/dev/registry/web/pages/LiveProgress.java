package dev.registry.web.pages;

import dev.registry.core.job.JobRun;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Live progress of a run (garbage collection, jobs): its page holds a fragment that htmx polls
 * every 2 s while the run runs ({@code hx-trigger="every 2s"}); the fragment of a finished run has
 * no trigger, so polling stops. When a poll finds the run finished, htmx is also told to reload the
 * page ({@code HX-Refresh}), which then shows what only a finished run has (the items it deleted).
 */
final class LiveProgress {

    private LiveProgress() {
    }

    static void reloadWhenFinished(JobRun.State state, HttpServletRequest request, HttpServletResponse response) {
        if (state != JobRun.State.RUNNING && "true".equals(request.getHeader("HX-Request"))) {
            response.setHeader("HX-Refresh", "true");
        }
    }
}
