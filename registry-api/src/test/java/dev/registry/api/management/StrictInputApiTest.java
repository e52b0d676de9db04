package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * What /api/v1 answers to input it cannot take (issue 11, security 6 and 9, correctness 3 and 4):
 * a page beyond the bound, JSON of the wrong type or with unknown properties, a body that is not an
 * object, a missing required field, and requests no endpoint serves: always 400/404/405/406/415 problem
 * JSON with the registry's {@code code}, naming the field and what is expected, never Spring's or
 * Jackson's wording.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictInputApiTest extends ManagementTestBase {

    private String project;

    @BeforeAll
    void givenAProject() {
        project = AccessFixture.create(context).project;
    }

    /** Every paged list of the management API (a project's lists in the fixture's project). */
    Stream<String> pagedLists() {
        String p = "/api/v1/projects/" + project;
        return Stream.of("/api/v1/projects", "/api/v1/users", "/api/v1/robots", p + "/robots", p + "/members",
                p + "/repositories", p + "/repositories/app/artifacts", p + "/immutability-rules", p + "/retention/executions",
                p + "/audit", "/api/v1/audit", "/api/v1/gc/runs", "/api/v1/gc/runs/1/items", "/api/v1/jobs/gc/runs");
    }

    // issue 11, security 6: page=2147483647 was a 500 ("Page offset exceeds Integer.MAX_VALUE") on every list
    @ParameterizedTest
    @MethodSource("pagedLists")
    void a_page_beyond_the_bound_is_a_400_naming_page_and_its_bound(String list) {
        JsonNode problem = assertProblem(admin.send("GET", list + "?page=" + Integer.MAX_VALUE), 400, "page");

        assertThat(problem.get("code").asString()).isEqualTo("INVALID_INPUT");
        assertThat(problem.get("detail").asString()).contains("page").contains(Integer.toString(Paging.MAX_PAGE));
        // the last page within the bound is answered (an empty page, or 404 where the list's owner does not exist)
        assertThat(admin.send("GET", list + "?page=" + Paging.MAX_PAGE + "&page_size=" + Paging.MAX_SIZE).statusCode()).isIn(200, 404);
    }

    @Test
    void an_anonymous_caller_gets_the_same_400_for_a_page_beyond_the_bound() {
        assertProblem(RegistryClient.anonymous(port).send("GET", "/api/v1/projects?page=" + Integer.MAX_VALUE), 400, "page");
    }

    // issue 11, security 2 ("other CPU-bound work"): a body of any size was parsed into memory on a request thread
    @Test
    void a_body_over_the_bound_is_refused_with_413_whether_its_length_is_declared_or_not() throws Exception {
        String name = unique("big");
        byte[] body = ("{\"name\":\"" + name + "\",\"x\":\"" + "a".repeat(1_500_000) + "\"}").getBytes();

        JsonNode declared = assertProblem(admin.send("POST", "/api/v1/projects", body, Map.of("Content-Type", "application/json")),
                413, null);
        HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/projects"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (RegistryIntegrationTest.ADMIN + ":" + RegistryIntegrationTest.ADMIN_PASSWORD).getBytes()))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(declared.get("code").asString()).isEqualTo("BODY_TOO_LARGE");
        assertThat(declared.get("detail").asString()).contains("1048576 bytes").contains("registry.api.max-body-size");
        assertThat(chunked.request().headers().firstValue("Content-Length")).isEmpty();
        assertThat(assertProblem(chunked, 413, null).get("code").asString()).isEqualTo("BODY_TOO_LARGE");
        assertProblem(admin.send("GET", "/api/v1/projects/" + name), 404, null);
        // a body within the bound is read as before
        assertProblem(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + name + "\",\"x\":\"" + "a".repeat(1000) + "\"}"),
                400, "x");
    }

    // issue 11, security 9: {"name":5} made a project named "5"; quotaBytes 1.5 was stored as 1
    @Test
    void a_value_of_the_wrong_json_type_is_refused_naming_the_field_and_the_type_expected() {
        String name = unique("typed");

        JsonNode number = assertProblem(send(admin, "POST", "/api/v1/projects", "{\"name\":5}"), 400, "name");
        JsonNode fraction = assertProblem(send(admin, "POST", "/api/v1/projects",
                "{\"name\":\"" + name + "\",\"quotaBytes\":1.5}"), 400, "quotaBytes");
        JsonNode text = assertProblem(send(admin, "POST", "/api/v1/projects",
                "{\"name\":\"" + name + "\",\"public\":\"true\"}"), 400, "public");

        assertThat(number.get("detail").asString()).isEqualTo("name must be a string");
        assertThat(fraction.get("detail").asString()).isEqualTo("quotaBytes must be a whole number");
        assertThat(text.get("detail").asString()).isEqualTo("public must be true or false");
        assertProblem(admin.send("GET", "/api/v1/projects/5"), 404, null);
        assertProblem(admin.send("GET", "/api/v1/projects/" + name), 404, null);
    }

    // issue 11, correctness 3: {"name":"p2","isPublic":true} made a private project; PATCH {"quota":5} changed nothing
    @Test
    void an_unknown_property_is_refused_naming_it_and_the_known_ones() {
        String name = unique("strict");

        JsonNode created = assertProblem(send(admin, "POST", "/api/v1/projects",
                "{\"name\":\"" + name + "\",\"isPublic\":true}"), 400, "isPublic");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + name + "\"}"), 201);
        JsonNode patched = assertProblem(send(admin, "PATCH", "/api/v1/projects/" + name, "{\"quota\":5}"), 400, "quota");

        assertThat(created.get("detail").asString()).isEqualTo("isPublic is not a known property; known: name, proxy, public, quotaBytes");
        assertThat(patched.get("detail").asString()).isEqualTo("quota is not a known property; known: public, quotaBytes");
        JsonNode project = json(expect(admin.send("GET", "/api/v1/projects/" + name), 200));
        assertThat(project.get("public").asBoolean()).isFalse();
        assertThat(project.get("quotaBytes").isNull()).isTrue();
    }

    @Test
    void an_unknown_property_inside_a_rule_is_named_by_its_json_path() {
        String policy = "{\"rules\":[{\"template\":\"always\",\"selection\":{\"repositoryPattern\":\"**\",\"tagPattern\":\"**\","
                + "\"untagged\":true,\"tags\":\"x\"}}]}";

        JsonNode problem = assertProblem(send(admin, "PUT", "/api/v1/projects/" + project + "/retention", policy), 400,
                "rules[0].selection.tags");

        assertThat(problem.get("detail").asString()).startsWith("rules[0].selection.tags is not a known property; known: ");
    }

    // issue 11, correctness 3: a missing count or selection.untagged was "has a value of the wrong type"
    @Test
    void a_missing_required_field_is_reported_as_required_with_what_is_expected() {
        String base = "/api/v1/projects/" + project + "/retention";

        JsonNode count = assertProblem(send(admin, "PUT", base, "{\"rules\":[{\"template\":\"latestPushed\",\"selection\":"
                + "{\"repositoryPattern\":\"**\",\"tagPattern\":\"**\",\"untagged\":true}}]}"), 400, "rules[0].count");
        JsonNode untagged = assertProblem(send(admin, "PUT", base, "{\"rules\":[{\"template\":\"latestPushed\",\"count\":1,"
                + "\"selection\":{\"repositoryPattern\":\"**\",\"tagPattern\":\"**\"}}]}"), 400, "rules[0].selection.untagged");

        assertThat(count.get("detail").asString()).isEqualTo("rules[0].count is required: a whole number");
        assertThat(untagged.get("detail").asString()).isEqualTo("rules[0].selection.untagged is required: true or false");
    }

    // issue 11, correctness 3: an unknown template did not list the valid ones
    @Test
    void an_unknown_or_missing_retention_template_lists_the_templates() {
        String base = "/api/v1/projects/" + project + "/retention";
        String templates = "always, highestSemver, latestPulled, latestPushed, pulledWithinDays, pushedWithinDays";

        JsonNode unknown = assertProblem(send(admin, "PUT", base, "{\"rules\":[{\"template\":\"keepEverything\",\"selection\":{}}]}"),
                400, "rules[0].template");
        JsonNode missing = assertProblem(send(admin, "PUT", base, "{\"rules\":[{\"count\":1,\"selection\":{}}]}"),
                400, "rules[0].template");

        assertThat(unknown.get("detail").asString()).isEqualTo("rules[0].template 'keepEverything' is not known; one of: " + templates);
        assertThat(missing.get("detail").asString()).isEqualTo("rules[0].template is required; one of: " + templates);
    }

    // issue 11, correctness 3: a body of [] said "missing or not JSON"
    @Test
    void a_body_that_is_not_a_json_object_says_so() {
        JsonNode array = assertProblem(send(admin, "POST", "/api/v1/projects", "[]"), 400, null);
        JsonNode broken = assertProblem(send(admin, "POST", "/api/v1/projects", "{\"name\":"), 400, null);
        JsonNode empty = assertProblem(admin.send("POST", "/api/v1/projects", new byte[0],
                Map.of("Content-Type", "application/json")), 400, null);

        assertThat(array.get("detail").asString()).isEqualTo("the request body must be a JSON object, not an array");
        assertThat(broken.get("detail").asString()).startsWith("the request body is not valid JSON");
        assertThat(empty.get("detail").asString()).isEqualTo("the request body is missing; it must be a JSON object");
        for (JsonNode problem : List.of(array, broken, empty)) {
            assertThat(problem.get("code").asString()).isEqualTo("INVALID_INPUT");
        }
    }

    // issue 11, correctness 4: the 404 of an unknown path and Spring's 405/406/415 lacked the registry's code
    @Test
    void requests_no_endpoint_serves_get_problem_json_with_the_registry_code_and_no_spring_wording() {
        HttpResponse<String> unknownPath = admin.send("GET", "/api/v1/nothing-here");
        HttpResponse<String> wrongMethod = admin.send("PUT", "/api/v1/projects");
        HttpResponse<String> wrongAccept = admin.send("GET", "/api/v1/projects", null, Map.of("Accept", "text/html"));
        HttpResponse<String> wrongType = admin.send("POST", "/api/v1/projects", "{}".getBytes(), Map.of("Content-Type", "text/plain"));
        HttpResponse<String> anonymousUnknown = RegistryClient.anonymous(port).send("GET", "/api/v2/whatever");

        assertThat(assertProblem(unknownPath, 404, null).get("code").asString()).isEqualTo("ENDPOINT_UNKNOWN");
        assertThat(assertProblem(wrongMethod, 405, null).get("code").asString()).isEqualTo("METHOD_UNKNOWN");
        assertThat(assertProblem(wrongAccept, 406, null).get("code").asString()).isEqualTo("UNSUPPORTED");
        assertThat(assertProblem(wrongType, 415, null).get("code").asString()).isEqualTo("UNSUPPORTED");
        assertThat(assertProblem(anonymousUnknown, 404, null).get("code").asString()).isEqualTo("ENDPOINT_UNKNOWN");
        assertThat(unknownPath.body()).doesNotContain("static resource");
        assertThat(wrongType.body()).doesNotContain("Content-Type '");
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("GET", "POST"));
        assertThat(wrongType.body()).contains("application/json");
    }

    @Test
    void an_unknown_path_under_v2_is_oci_error_json() {
        HttpResponse<String> response = admin.send("GET", "/v2/foo/bar/unknownthing");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(json(response).get("errors").get(0).get("code").asString()).isNotBlank();
    }
}
