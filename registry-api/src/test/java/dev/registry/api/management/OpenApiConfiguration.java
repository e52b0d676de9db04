package dev.registry.api.management;

import dev.registry.core.access.Principal;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3 document of {@code /api/v1} as springdoc generates it in the tests (test classpath only;
 * {@code springdoc.*} in src/test/resources/config/application.yaml), checked against docs/openapi.json, which the
 * registry serves (OpenApiDocumentController). It holds nothing that differs between runs or hosts
 * (a relative server URL, a fixed API version), so docs/openapi.json can be compared with it.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    /** The version of the /api/v1 contract (not of the registry build, see GET /api/v1/systeminfo). */
    static final String API_VERSION = "1.0.0";

    static {
        // the caller is resolved from the request (CallerArgumentResolver), not sent as a parameter
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Principal.class);
    }

    @Bean
    OpenAPI managementApi() {
        return new OpenAPI()
                .info(new Info().title("Registry management API").version(API_VERSION)
                        .description("Projects, members, users, robot accounts, repositories and artifacts, the audit log and "
                                + "system information of an OCI registry. Sign in with Basic credentials (a user's password or "
                                + "a robot's secret); bearer tokens from /service/token are for /v2 only and refused here. Errors are RFC 9457 problem JSON "
                                + "(application/problem+json) with a code and, for bad input, errors[].field. Lists take page "
                                + "(from 1) and page_size (1 to 100, default 25) and answer X-Total-Count and an RFC 8288 Link "
                                + "header with rel=\"next\" while more follow."))
                .servers(List.of(new Server().url("/").description("this registry")))
                .components(new Components()
                        .addSecuritySchemes("basic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")))
                .addSecurityItem(new SecurityRequirement().addList("basic"));
    }
}
