package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.registry.api.RegistryClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document springdoc generates from the controllers' annotations (test classpath only, at
 * /api/v1/openapi-generated.json: src/test/resources/config/application.yaml) equals the checked-in
 * docs/openapi.json, so a change of the API shows up in review; the registry serves that file at
 * /api/v1/openapi.json (OpenApiDocumentController). Regenerate the file after a deliberate change with
 * {@code ./mvnw -pl registry-api -am verify -Dtest=OpenApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false -Dopenapi.write=true}.
 */
class OpenApiDocumentTest extends ManagementTestBase {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    @Test
    void the_generated_openapi_document_equals_docs_openapi_json() throws IOException {
        // given the document generated from the controllers, in canonical form (pretty-printed, keys sorted)
        var response = expect(admin.send("GET", "/api/v1/openapi-generated.json"), 200);
        String generated = canonical(response.body());
        Path checkedIn = docs().resolve("openapi.json");

        // when asked to, the checked-in copy is rewritten
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(checkedIn, generated, StandardCharsets.UTF_8);
        }

        // then the two are the same, byte for byte
        assertThat(Files.exists(checkedIn)).as("%s is missing; create it with -Dopenapi.write=true", checkedIn).isTrue();
        assertThat(Files.readString(checkedIn, StandardCharsets.UTF_8))
                .as("docs/openapi.json differs from the document generated from the controllers. If the API change is intended, "
                        + "regenerate it: ./mvnw -pl registry-api -am verify -Dtest=OpenApiDocumentTest "
                        + "-Dsurefire.failIfNoSpecifiedTests=false -Dopenapi.write=true, and commit docs/openapi.json")
                .isEqualTo(generated);
    }

    @Test
    void the_registry_serves_docs_openapi_json_as_json() throws IOException {
        // (a run that rewrites docs/openapi.json serves the copy the build packaged before it)
        Assumptions.assumeFalse(Boolean.getBoolean("openapi.write"), "docs/openapi.json is being rewritten");

        var response = expect(RegistryClient.anonymous(port).send("GET", "/api/v1/openapi.json"), 200);

        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).isEqualTo(Files.readString(docs().resolve("openapi.json"), StandardCharsets.UTF_8));
    }

    @Test
    void the_document_describes_only_the_management_api_under_api_v1() {
        var document = json(expect(admin.send("GET", "/api/v1/openapi.json"), 200));

        assertThat(document.get("openapi").asString()).startsWith("3.");
        assertThat(document.get("info").get("title").asString()).isEqualTo("Registry management API");
        assertThat(document.get("paths").propertyNames()).allMatch(path -> path.startsWith("/api/v1/"))
                .contains("/api/v1/projects", "/api/v1/users/current", "/api/v1/systeminfo");
    }

    static String canonical(String json) {
        return CANONICAL.writeValueAsString(CANONICAL.readValue(json, Object.class)) + "\n";
    }

    /** The repository's docs folder, found from the module directory the tests run in. */
    static Path docs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/architecture.md"))) {
                return dir.resolve("docs");
            }
        }
        throw new IllegalStateException("no docs/architecture.md above " + Path.of("").toAbsolutePath());
    }
}
