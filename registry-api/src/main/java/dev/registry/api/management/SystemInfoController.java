package dev.registry.api.management;

import dev.registry.core.access.AccessPolicy;
import dev.registry.core.access.TokenPolicy;
import dev.registry.core.system.SystemInfoService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What a client or UI needs to know about this registry before signing in. */
@RestController
@Tag(name = "system")
class SystemInfoController {

    /**
     * @param storageType         where blob bytes live: {@code filesystem} or {@code s3}
     * @param authentication      schemes the registry accepts: basic on /v2 and /api, bearer (tokens from
     *                            the token service) on /v2 only
     * @param tokenService        the service name in Docker token requests and the tokens' audience
     * @param createOnPush        a push into a missing project creates it
     * @param onlyAdminsCreateProjects only system admins (and robots allowed to) create projects
     */
    record SystemInfo(String version, String storageType, List<String> authentication, String tokenService,
                      boolean createOnPush, boolean onlyAdminsCreateProjects) {
    }

    private final SystemInfo info;

    SystemInfoController(SystemInfoService system, TokenPolicy tokens, AccessPolicy projects) {
        this.info = new SystemInfo(system.version(), system.storageKind(), List.of("basic", "bearer"),
                tokens.service(), projects.createOnPush(), projects.onlyAdminsCreate());
    }

    @GetMapping("/api/v1/systeminfo")
    @Operation(summary = "Version and settings of this registry", description = "Anyone, signed in or not.")
    SystemInfo systemInfo() {
        return info;
    }
}
