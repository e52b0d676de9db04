package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.TestImages;
import dev.registry.api.access.AccessFixture;
import dev.registry.core.artifact.PullTimes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** /api/v1/projects/{project}/retention: the policy, a dry run against a real run, and the history of both. */
class RetentionApiTest extends ManagementTestBase {

    @Autowired
    PullTimes pullTimes;

    @Test
    void a_pull_by_tag_over_v2_counts_for_the_digest_it_served_in_the_pulled_templates() {
        // given 1.0 and then 2.0, of which only 1.0 is pulled (by its tag), and a policy keeping the most recently pulled
        AccessFixture fixture = fixture();
        String base = "/api/v1/projects/" + fixture.project + "/retention";
        String repo = fixture.project + "/pulled";
        String layer = admin.pushBlob(repo, "layer".getBytes());
        List<String> digests = new ArrayList<>();
        for (String version : List.of("1.0", "2.0")) {
            byte[] config = ("{\"pulled\":\"" + version + "\"}").getBytes();
            String manifest = TestImages.ociManifest(admin.pushBlob(repo, config), config.length, layer, 5);
            digests.add(expect(admin.pushManifest(repo, version, TestImages.OCI_MANIFEST, manifest), 201)
                    .headers().firstValue("Docker-Content-Digest").orElseThrow());
        }
        expect(admin.send("GET", "/v2/" + repo + "/manifests/1.0"), 200);
        pullTimes.flush();
        expect(send(admin, "PUT", base, "{\"rules\":[{\"template\":\"latestPulled\",\"count\":1,\"selection\":"
                + "{\"repositoryPattern\":\"pulled\",\"tagPattern\":\"**\",\"untagged\":false}}]}"), 200);

        // when it runs dry
        JsonNode dry = json(expect(admin.send("POST", base + "/executions"), 201));

        // then the pulled 1.0 stays and the newer, never pulled 2.0 would go
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        for (JsonNode decision : dry.get("decisions")) {
            String expected = decision.get("digest").asString().equals(digests.get(0)) ? "RETAIN" : "DELETE";
            assertThat(decision.get("action").asString()).as(decision.toString()).isEqualTo(expected);
        }
        assertThat(dry.get("decisions")).hasSize(2);
    }

    @Test
    void a_dry_run_lists_what_a_real_run_then_deletes_and_the_history_keeps_both() {
        // given the fixture's project with 1.0, 2.0 and 3.0 of one repository, and a policy keeping the 2 highest versions
        AccessFixture fixture = fixture();
        String base = "/api/v1/projects/" + fixture.project + "/retention";
        RegistryClient maintainer = fixture.basic(port, "maintainer");
        String repo = fixture.project + "/team/app";
        String layer = admin.pushBlob(repo, "layer".getBytes());
        List<String> digests = new ArrayList<>();
        for (String version : List.of("1.0", "2.0", "3.0")) {
            byte[] config = ("{\"version\":\"" + version + "\"}").getBytes();
            String manifest = TestImages.ociManifest(admin.pushBlob(repo, config), config.length, layer, 5);
            digests.add(expect(admin.pushManifest(repo, version, TestImages.OCI_MANIFEST, manifest), 201)
                    .headers().firstValue("Docker-Content-Digest").orElseThrow());
        }
        String policy = "{\"rules\":[{\"template\":\"highestSemver\",\"count\":2,\"selection\":{\"repositoryPattern\":\"**\","
                + "\"tagPattern\":\"*.*\",\"tagPatternKind\":\"DOUBLESTAR\",\"tagDecoration\":\"INCLUDE\",\"untagged\":false}}]}";
        int asDeveloper = send(fixture.basic(port, "developer"), "PUT", base, policy).statusCode();
        expect(send(maintainer, "PUT", base, policy), 200);
        JsonNode read = json(expect(fixture.basic(port, "limited-guest").send("GET", base), 200));

        // when the maintainer runs it dry, then for real
        JsonNode dry = json(expect(maintainer.send("POST", base + "/executions?dryRun=true"), 201));
        List<String> tagsAfterDryRun = tags(repo);
        JsonNode run = json(expect(maintainer.send("POST", base + "/executions?dryRun=false"), 201));

        // then the dry run changed nothing and named 1.0 as the one to go; the run deleted it
        assertThat(asDeveloper).isEqualTo(403);
        assertThat(read.get("rules").get(0).get("template").asString()).isEqualTo("highestSemver");
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(dry.get("counts").get("deleted").asInt()).isEqualTo(1);
        assertThat(tagsAfterDryRun).containsExactly("1.0", "2.0", "3.0");
        assertThat(tags(repo)).containsExactly("2.0", "3.0");
        assertThat(run.get("decisions").toString()).isEqualTo(dry.get("decisions").toString());
        assertThat(run.get("inScope").asInt()).isEqualTo(3);
        assertThat(run.get("finishedAt").isNull()).isFalse();
        expect(admin.send("GET", "/v2/" + repo + "/manifests/" + digests.get(0)), 404);

        // and the history lists both, newest first, and shows each artifact's decision with its reason
        var listed = expect(fixture.basic(port, "limited-guest").send("GET", base + "/executions"), 200);
        assertThat(listed.headers().firstValue("X-Total-Count")).contains("2");
        assertThat(json(listed).get(0).get("id").asLong()).isEqualTo(run.get("id").asLong());
        JsonNode stored = json(expect(maintainer.send("GET", base + "/executions/" + dry.get("id").asLong()), 200));
        assertThat(stored.get("repositories").get(0).get("repository").asString()).isEqualTo(repo);
        JsonNode deleted = null;
        for (JsonNode decision : stored.get("decisions")) {
            if (decision.get("action").asString().equals("DELETE")) {
                deleted = decision;
            }
        }
        assertThat(deleted).isNotNull();
        assertThat(deleted.get("digest").asString()).isEqualTo(digests.get(0));
        assertThat(deleted.get("reason").asString()).isEqualTo("no rule retains it");
        expect(maintainer.send("GET", base + "/executions/999999"), 404);

        // and the deletion is audited as the maintainer's, from the maintainer's address, naming the execution
        // (issue 11, correctness 5: retention deletions were plain deletes with no pointer to the execution)
        audit.flush();
        JsonNode audited = json(expect(admin.send("GET", "/api/v1/projects/" + fixture.project + "/audit?page_size=100"), 200))
                .valueStream().filter(e -> e.get("operation").asString().equals("delete")
                        && e.get("resource").asString().equals(repo + "@" + digests.get(0)))
                .findFirst().orElseThrow();
        assertThat(audited.get("actor").asString()).isEqualTo(fixture.credentials("maintainer").split(":")[0]);
        assertThat(audited.get("clientAddress").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(audited.get("cause").asString()).startsWith("retention-execution:" + run.get("id").asLong())
                .contains("no rule retains it");
    }

    @Test
    void a_bad_policy_is_a_400_naming_the_rule() {
        AccessFixture fixture = fixture();
        String base = "/api/v1/projects/" + fixture.project + "/retention";
        String zero = "{\"rules\":[{\"template\":\"latestPushed\",\"count\":0,\"selection\":{\"repositoryPattern\":\"**\","
                + "\"tagPattern\":\"**\",\"untagged\":true}}]}";

        assertProblem(send(admin, "PUT", base, zero), 400, "rules[0]");
        expect(send(admin, "PUT", base, "{\"rules\":[{\"template\":\"keepEverything\",\"selection\":{}}]}"), 400);
        expect(send(admin, "PUT", base, "{\"rules\":[{\"template\":\"always\"}]}"), 400);
        assertProblem(send(admin, "PUT", base, "{\"rules\":[],\"schedule\":\"nightly\"}"), 400, "schedule");
    }

    /** Issue 11, security 2: patterns that need backtracking, or are too long, are refused when the policy is saved. */
    @Test
    void a_backreference_lookaround_or_over_long_tag_pattern_is_a_400_naming_the_field_and_what_is_wrong() {
        AccessFixture fixture = fixture();
        String base = "/api/v1/projects/" + fixture.project + "/retention";

        JsonNode backreference = assertProblem(send(admin, "PUT", base, regexPolicy("(a*)*\\\\1b")), 400, "rules[0].tagPattern");
        JsonNode lookahead = assertProblem(send(admin, "PUT", base, regexPolicy("(?!dev).*")), 400, "rules[0].tagPattern");
        JsonNode tooLong = assertProblem(send(admin, "PUT", base, regexPolicy("a".repeat(256))), 400, "rules[0].tagPattern");
        JsonNode tooLongGlob = assertProblem(send(admin, "PUT", base, "{\"rules\":[{\"template\":\"always\",\"selection\":"
                + "{\"repositoryPattern\":\"" + "*".repeat(256) + "\",\"tagPattern\":\"**\",\"untagged\":true}}]}"),
                400, "rules[0].repositoryPattern");

        assertThat(backreference.get("detail").asString()).contains("backreferences such as \\1 are not supported");
        assertThat(lookahead.get("detail").asString()).contains("lookahead and lookbehind are not supported");
        assertThat(tooLong.get("detail").asString()).contains("1 to 255 characters");
        assertThat(tooLongGlob.get("detail").asString()).contains("1 to 255 characters");
        assertThat(json(expect(admin.send("GET", base), 200)).get("rules")).isEmpty();
    }

    /**
     * Issue 11, security 2: {@code (a*)*b} (what java.util.regex took 11 s on at 28 characters, doubling per
     * character) decides a dry run over a 128-character tag correctly, and at once.
     */
    @Test
    void a_dry_run_with_an_exponential_regex_for_java_answers_for_a_128_character_tag() {
        AccessFixture fixture = fixture();
        String base = "/api/v1/projects/" + fixture.project + "/retention";
        String repo = fixture.project + "/long";
        String layer = admin.pushBlob(repo, "layer".getBytes());
        List<String> digests = new ArrayList<>();
        for (String tag : List.of("a".repeat(127) + "b", "a".repeat(128))) {
            byte[] config = ("{\"tag\":\"" + tag + "\"}").getBytes();
            String manifest = TestImages.ociManifest(admin.pushBlob(repo, config), config.length, layer, 5);
            digests.add(expect(admin.pushManifest(repo, tag, TestImages.OCI_MANIFEST, manifest), 201)
                    .headers().firstValue("Docker-Content-Digest").orElseThrow());
        }
        expect(send(admin, "PUT", base, regexPolicy("(a*)*b")), 200);

        JsonNode dry = json(expect(admin.send("POST", base + "/executions"), 201));

        for (JsonNode decision : dry.get("decisions")) {
            String expected = decision.get("digest").asString().equals(digests.get(0)) ? "RETAIN" : "DELETE";
            assertThat(decision.get("action").asString()).as(decision.toString()).isEqualTo(expected);
        }
        assertThat(dry.get("decisions")).hasSize(2);
    }

    /**
     * A rule stored before patterns were matched by RE2 that no longer compiles: the run is refused
     * (skipping the rule would delete what it retains), naming the rule; nothing is deleted.
     */
    @Test
    void a_stored_rule_that_no_longer_compiles_refuses_the_run_naming_the_rule_and_deletes_nothing() {
        AccessFixture fixture = fixture();
        String base = "/api/v1/projects/" + fixture.project + "/retention";
        String repo = fixture.project + "/old";
        byte[] config = "{\"old\":1}".getBytes();
        String layer = admin.pushBlob(repo, "layer".getBytes());
        expect(admin.pushManifest(repo, "1.0", TestImages.OCI_MANIFEST,
                TestImages.ociManifest(admin.pushBlob(repo, config), config.length, layer, 5)), 201);
        expect(send(admin, "PUT", base, regexPolicy("1\\\\..*")), 200);
        jdbc.update("UPDATE retention_policy SET rules = REPLACE(rules, ?, ?) WHERE project_id = (SELECT id FROM project WHERE name = ?)",
                "1\\\\..*", "(1)\\\\1", fixture.project);

        JsonNode refused;
        try {
            refused = assertProblem(admin.send("POST", base + "/executions?dryRun=false"), 409, null);
        } finally {
            // the database is shared: other tests run every project's policy (the retention job)
            expect(send(admin, "PUT", base, "{\"rules\":[]}"), 200);
        }

        assertThat(refused.get("detail").asString()).contains("rules[0].tagPattern").contains("backreferences");
        assertThat(tags(repo)).containsExactly("1.0");
        assertThat(json(expect(admin.send("GET", base + "/executions"), 200))).isEmpty();
    }

    private static String regexPolicy(String pattern) {
        return "{\"rules\":[{\"template\":\"latestPushed\",\"count\":1,\"selection\":{\"repositoryPattern\":\"**\","
                + "\"tagPattern\":\"" + pattern + "\",\"tagPatternKind\":\"REGEX\",\"untagged\":false}}]}";
    }

    @Test
    void a_policy_keeps_its_own_schedule() {
        AccessFixture fixture = fixture();
        String base = "/api/v1/projects/" + fixture.project + "/retention";
        String policy = "{\"rules\":[{\"template\":\"always\",\"selection\":{\"repositoryPattern\":\"**\","
                + "\"tagPattern\":\"**\",\"untagged\":true}}],\"schedule\":\"0 30 3 * * *\"}";

        assertThat(json(expect(send(admin, "PUT", base, policy), 200)).get("schedule").asString()).isEqualTo("0 30 3 * * *");
        assertThat(json(expect(admin.send("GET", base), 200)).get("schedule").asString()).isEqualTo("0 30 3 * * *");
        expect(send(admin, "PUT", base, "{\"rules\":[]}"), 200);
        assertThat(json(expect(admin.send("GET", base), 200)).get("schedule").isNull()).isTrue();
    }

    private List<String> tags(String repo) {
        List<String> tags = new ArrayList<>();
        json(expect(admin.send("GET", "/v2/" + repo + "/tags/list"), 200)).get("tags").forEach(t -> tags.add(t.asString()));
        return tags;
    }
}
