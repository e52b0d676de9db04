package dev.registry.api.management;

import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.audit.AuditEvent;
import dev.registry.core.audit.AuditService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit log, newest first: a project's (read-audit), or everything (system admins). Entries
 * appear within {@code registry.audit.flush-interval} of what they record; a {@code pull} entry
 * counts one actor's manifest pulls from one repository in the hour starting at its time.
 */
@RestController
@Tag(name = "audit")
class AuditController {

    private static final String FROM = "inclusive lower bound of the time, ISO-8601 (2025-01-31T00:00:00Z)";
    private static final String TO = "exclusive upper bound of the time, ISO-8601";
    private static final String OPERATION = "only entries of this operation (push, pull, delete, create, update, …)";
    private static final String RESOURCE = "only entries whose resource contains this text (taken literally, case-sensitive)";

    private final ManagementAccess access;
    private final AuditService audit;

    AuditController(ManagementAccess access, AuditService audit) {
        this.access = access;
        this.audit = audit;
    }

    @GetMapping("/api/v1/projects/{project}/audit")
    @Operation(summary = "A project's audit log", description = "Needs read-audit.")
    ResponseEntity<List<AuditEvent>> projectAudit(Principal caller, @PathVariable String project,
                                                  @Parameter(description = OPERATION) @RequestParam(required = false) String operation,
                                                  @Parameter(description = RESOURCE) @RequestParam(required = false) String resource,
                                                  @Parameter(description = FROM) @RequestParam(required = false) Instant from,
                                                  @Parameter(description = TO) @RequestParam(required = false) Instant to,
                                                  @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                                  @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        Paging paging = Paging.of(page, pageSize);
        access.require(caller, project, Action.READ_AUDIT);
        AuditService.Filter filter = new AuditService.Filter(project, operation, resource, from, to);
        return paging.respond(audit.query(filter, paging.index(), paging.size()), audit.count(filter));
    }

    @GetMapping("/api/v1/audit")
    @Operation(summary = "The whole audit log", description = "System admins only; project filters by project name.")
    ResponseEntity<List<AuditEvent>> systemAudit(Principal caller, @RequestParam(required = false) String project,
                                                 @Parameter(description = OPERATION) @RequestParam(required = false) String operation,
                                                 @Parameter(description = RESOURCE) @RequestParam(required = false) String resource,
                                                 @Parameter(description = FROM) @RequestParam(required = false) Instant from,
                                                 @Parameter(description = TO) @RequestParam(required = false) Instant to,
                                                 @RequestParam(name = Paging.PAGE, required = false) Integer page,
                                                 @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        Paging paging = Paging.of(page, pageSize);
        access.requireSystemAdmin(caller);
        AuditService.Filter filter = new AuditService.Filter(project, operation, resource, from, to);
        return paging.respond(audit.query(filter, paging.index(), paging.size()), audit.count(filter));
    }
}
