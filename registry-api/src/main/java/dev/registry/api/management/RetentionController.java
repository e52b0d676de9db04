package dev.registry.api.management;

import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.retention.Execution;
import dev.registry.core.retention.RetentionPolicy;
import dev.registry.core.retention.RetentionService;
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
 * A project's retention policy, runs of it by hand (dry or real) and their history. The semantics
 * are in docs/retention.md; every rule lives in {@link RetentionService}.
 */
@RestController
@RequestMapping("/api/v1/projects/{project}/retention")
@Tag(name = "retention")
class RetentionController {

    private final ManagementAccess access;
    private final RetentionService retention;

    RetentionController(ManagementAccess access, RetentionService retention) {
        this.access = access;
        this.retention = retention;
    }

    @GetMapping
    @Operation(summary = "Get the retention policy", description = "Needs list-repositories; no rules when none was set.")
    RetentionPolicy getRetentionPolicy(Principal caller, @PathVariable String project) {
        return retention.policy(access.require(caller, project, Action.LIST_REPOSITORIES).projectId());
    }

    @PutMapping
    @Operation(summary = "Replace the retention policy",
            description = "Needs manage-policies; at most 15 rules, each with a template, a selection and a count of 1 or more;"
                    + " schedule: a cron expression of six fields in UTC (e.g. \"0 0 3 * * *\") on which the policy runs by itself,"
                    + " or null for only by hand. Audited.")
    RetentionPolicy putRetentionPolicy(Principal caller, @PathVariable String project, @RequestBody RetentionPolicy body) {
        long projectId = access.require(caller, project, Action.MANAGE_POLICIES).projectId();
        return retention.setPolicy(projectId, body, caller.name());
    }

    @PostMapping("/executions")
    @Operation(summary = "Run the retention policy now",
            description = "Needs manage-policies. With dryRun=true (the default) nothing changes; the answer and the history"
                    + " list every artifact in scope with its decision and the reason. While a real run goes on, its execution"
                    + " shows in the history with finishedAt null, inScope and the counts so far.")
    ResponseEntity<Execution> executeRetention(Principal caller, @PathVariable String project,
                                               @RequestParam(defaultValue = "true") boolean dryRun) {
        long projectId = access.require(caller, project, Action.MANAGE_POLICIES).projectId();
        Execution execution = retention.execute(projectId, dryRun, caller.name());
        return ResponseEntity.created(URI.create("/api/v1/projects/" + project + "/retention/executions/" + execution.id()))
                .body(execution);
    }

    @GetMapping("/executions")
    @Operation(summary = "List retention executions", description = "Needs list-repositories; newest first, with counts.")
    ResponseEntity<List<Execution>> listRetentionExecutions(Principal caller, @PathVariable String project,
            @RequestParam(name = Paging.PAGE, required = false) Integer page,
            @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        Paging paging = Paging.of(page, pageSize);
        long projectId = access.require(caller, project, Action.LIST_REPOSITORIES).projectId();
        return paging.respond(retention.executions(projectId, (int) paging.offset(), paging.size()),
                retention.countExecutions(projectId));
    }

    @GetMapping("/executions/{id}")
    @Operation(summary = "Get a retention execution",
            description = "Needs list-repositories; per repository counts and every artifact's decision with its reason.")
    Execution getRetentionExecution(Principal caller, @PathVariable String project, @PathVariable long id) {
        return retention.execution(access.require(caller, project, Action.LIST_REPOSITORIES).projectId(), id);
    }
}
