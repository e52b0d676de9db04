package dev.registry.api.management;

import dev.registry.core.access.Principal;
import dev.registry.core.proxy.Endpoint;
import dev.registry.core.proxy.EndpointService;
import dev.registry.core.proxy.UpstreamClient;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Registry endpoints: the upstream registries proxy projects fetch from. System admins only. Credentials are
 * encrypted at rest and never returned: a view says only whether the endpoint has a secret.
 */
@RestController
@RequestMapping("/api/v1/endpoints")
@Tag(name = "endpoints")
class EndpointController {

    /**
     * @param url       the registry's base URL: scheme, host and port ({@code https://registry-1.docker.io})
     * @param username  for a password, or with a token when the registry wants one; unset for anonymous access
     * @param secret    the password or token; stored encrypted, never shown again
     * @param verifyTls false accepts any certificate (a registry with a self-signed one); default true
     */
    record NewEndpoint(@NotBlank String name, @NotBlank String url, String username, String secret, Boolean verifyTls) {
    }

    /** Only the fields given change; an empty {@code username} or {@code secret} removes it. */
    record EndpointChanges(String url, String username, String secret, Boolean verifyTls) {
    }

    /**
     * @param hasSecret    whether a password or token is stored (it is never returned)
     * @param registryHost the host image names use for this registry ({@code docker.io} for Docker Hub): the
     *                     {@code ?ns=} of mirror pulls a proxy project of it serves
     */
    record EndpointView(long id, String name, URI url, String username, boolean hasSecret, boolean verifyTls,
                        String registryHost, String createdBy, Instant createdAt, Instant updatedAt) {
        static EndpointView of(Endpoint e) {
            return new EndpointView(e.id(), e.name(), e.url(), e.username(), e.hasSecret(), e.verifyTls(), e.registryHost(),
                    e.createdBy(), e.createdAt(), e.updatedAt());
        }
    }

    /**
     * @param reachable           whether the registry answered at all
     * @param credentialsAccepted whether it accepted the endpoint's credentials (or anonymous access, without any)
     */
    record CheckView(boolean reachable, boolean credentialsAccepted, String message) {
    }

    private final ManagementAccess access;
    private final EndpointService endpoints;
    private final UpstreamClient client;

    EndpointController(ManagementAccess access, EndpointService endpoints, UpstreamClient client) {
        this.access = access;
        this.endpoints = endpoints;
        this.client = client;
    }

    @PostMapping
    @Operation(summary = "Create a registry endpoint", description = "System admins only. The secret is stored encrypted "
            + "(AES-GCM, registry.proxy.secret-key) and never returned.")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<EndpointView> createEndpoint(Principal caller, @Valid @RequestBody NewEndpoint body) {
        access.requireSystemAdmin(caller);
        Endpoint created = endpoints.create(new EndpointService.Spec(body.name(), body.url(), body.username(), body.secret(),
                body.verifyTls()), caller.name());
        return ResponseEntity.created(URI.create("/api/v1/endpoints/" + created.name())).body(EndpointView.of(created));
    }

    @GetMapping
    @Operation(summary = "List registry endpoints", description = "System admins only; by name.")
    List<EndpointView> listEndpoints(Principal caller) {
        access.requireSystemAdmin(caller);
        return endpoints.list().stream().map(EndpointView::of).toList();
    }

    @GetMapping("/{name}")
    @Operation(summary = "Get a registry endpoint", description = "System admins only.")
    EndpointView getEndpoint(Principal caller, @PathVariable String name) {
        access.requireSystemAdmin(caller);
        return EndpointView.of(endpoints.require(name));
    }

    @PatchMapping("/{name}")
    @Operation(summary = "Change a registry endpoint", description = "System admins only. Proxy projects use the change "
            + "within seconds.")
    EndpointView updateEndpoint(Principal caller, @PathVariable String name, @Valid @RequestBody EndpointChanges body) {
        access.requireSystemAdmin(caller);
        return EndpointView.of(endpoints.update(name, new EndpointService.Spec(null, body.url(), body.username(), body.secret(),
                body.verifyTls())));
    }

    @DeleteMapping("/{name}")
    @Operation(summary = "Delete a registry endpoint", description = "System admins only; 409 while a proxy project uses it.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> deleteEndpoint(Principal caller, @PathVariable String name) {
        access.requireSystemAdmin(caller);
        endpoints.delete(name);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{name}/test")
    @Operation(summary = "Test a registry endpoint", description = "System admins only. Asks the registry's GET /v2/ with "
            + "the endpoint's credentials (through its token service when it has one): whether it answers and accepts them.")
    CheckView testEndpoint(Principal caller, @PathVariable String name) {
        access.requireSystemAdmin(caller);
        Endpoint endpoint = endpoints.require(name);
        UpstreamClient.Check check = client.check(endpoints.upstream(endpoint));
        return new CheckView(check.reachable(), check.credentialsAccepted(), check.message());
    }
}
