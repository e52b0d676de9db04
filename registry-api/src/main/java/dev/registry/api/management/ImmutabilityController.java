package dev.registry.api.management;

import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.immutability.ImmutabilityRule;
import dev.registry.core.immutability.ImmutabilityService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A project's tag immutability rules: doublestar patterns over the repository path inside the
 * project and over the tag. A matched tag cannot be moved, deleted or removed by retention.
 */
@RestController
@RequestMapping("/api/v1/projects/{project}/immutability-rules")
@Tag(name = "immutability")
class ImmutabilityController {

    record NewRule(@NotBlank String repositoryPattern, @NotBlank String tagPattern) {
    }

    private final ManagementAccess access;
    private final ImmutabilityService immutability;

    ImmutabilityController(ManagementAccess access, ImmutabilityService immutability) {
        this.access = access;
        this.immutability = immutability;
    }

    @GetMapping
    @Operation(summary = "List immutability rules", description = "Needs list-repositories.")
    ResponseEntity<List<ImmutabilityRule>> listImmutabilityRules(Principal caller, @PathVariable String project,
            @RequestParam(name = Paging.PAGE, required = false) Integer page,
            @RequestParam(name = Paging.PAGE_SIZE, required = false) Integer pageSize) {
        Paging paging = Paging.of(page, pageSize);
        access.require(caller, project, Action.LIST_REPOSITORIES);
        List<ImmutabilityRule> all = immutability.rules(project);
        return paging.respond(paging.slice(all), all.size());
    }

    @PostMapping
    @Operation(summary = "Add an immutability rule", description = "Needs manage-policies; at most 15 rules per project (409).")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<ImmutabilityRule> createImmutabilityRule(Principal caller, @PathVariable String project,
                                                            @Valid @RequestBody NewRule body) {
        long projectId = access.require(caller, project, Action.MANAGE_POLICIES).projectId();
        ImmutabilityRule rule = immutability.create(projectId, body.repositoryPattern(), body.tagPattern(), caller.name());
        return ResponseEntity.created(URI.create("/api/v1/projects/" + project + "/immutability-rules/" + rule.id())).body(rule);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Remove an immutability rule", description = "Needs manage-policies.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> deleteImmutabilityRule(Principal caller, @PathVariable String project, @PathVariable long id) {
        long projectId = access.require(caller, project, Action.MANAGE_POLICIES).projectId();
        immutability.delete(projectId, id);
        return ResponseEntity.noContent().build();
    }
}
