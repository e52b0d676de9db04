package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.access.AccessFixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * /api/v1/gc: dry runs and real runs over HTTP, their history and items, the schedule, and who
 * may (system admins only). The collection's semantics are tested in registry-core (GcScenarios).
 */
class GcApiTest extends ManagementTestBase {

    private List<String> items(long runId) {
        return json(expect(admin.send("GET", "/api/v1/gc/runs/" + runId + "/items?page_size=100"), 200)).valueStream()
                .map(item -> item.get("kind").asString() + " " + item.get("digest").asString()).toList();
    }

    @Test
    void a_dry_run_lists_the_layers_of_a_deleted_image_and_the_real_run_deletes_them() throws Exception {
        // given an image pushed and deleted over /v2 (its own layer and config lose their links at once)
        String project = unique("gc");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + project + "\"}"), 201);
        Pushed image = pushImage(admin, project + "/app", "v1", 3000);
        String layer = jdbc.queryForObject("SELECT x.digest FROM manifest_reference x JOIN manifest m ON m.id = x.manifest_id"
                + " JOIN blob b ON b.digest = x.digest WHERE m.digest = ? AND b.size = 3000", String.class, image.digest());
        expect(admin.send("DELETE", "/v2/" + project + "/app/manifests/" + image.digest()), 202);

        // when an admin starts a run without parameters (a dry run) and follows it
        JsonNode dry = finishedRun(expect(admin.send("POST", "/api/v1/gc/runs"), 202));

        // then it lists the layer, says it is a dry run, and the bytes are still there
        assertThat(dry.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(dry.get("summary").asString()).startsWith("dry run: would delete");
        assertThat(items(dry.get("id").asLong())).contains("blob " + layer);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM blob WHERE digest = ?", Long.class, layer)).isOne();

        // when the real run follows
        JsonNode real = finishedRun(expect(admin.send("POST", "/api/v1/gc/runs?dryRun=false"), 202));

        // then the layer is gone, counted with its bytes, and the run is the latest in the history and the overview
        assertThat(real.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(real.get("dryRun").asBoolean()).isFalse();
        assertThat(real.get("counts").get("deletedBlobs").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(real.get("counts").get("freedBytes").asLong()).isGreaterThanOrEqualTo(3000 + image.configSize());
        assertThat(items(real.get("id").asLong())).contains("blob " + layer);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM blob WHERE digest = ?", Long.class, layer)).isZero();
        var history = expect(admin.send("GET", "/api/v1/gc/runs?page_size=1"), 200);
        assertThat(json(history).get(0).get("id").asLong()).isEqualTo(real.get("id").asLong());
        assertThat(history.headers().firstValue("X-Total-Count")).isPresent();
        JsonNode overview = json(expect(admin.send("GET", "/api/v1/gc"), 200));
        assertThat(overview.get("lastRun").get("id").asLong()).isEqualTo(real.get("id").asLong());
        assertThat(overview.get("queues").has("blobsDue")).isTrue();
        // and it shows under the jobs too
        JsonNode job = json(expect(admin.send("GET", "/api/v1/jobs/gc/runs/" + real.get("id").asLong()), 200));
        assertThat(job.get("parameters").asString()).isEqualTo("deleteUntagged=false dryRun=false");
        // issue 14: the GC view names the replica that ran it, as the jobs view does
        JsonNode gcRun = json(expect(admin.send("GET", "/api/v1/gc/runs/" + real.get("id").asLong()), 200));
        assertThat(gcRun.get("replica").asString()).isNotBlank().isEqualTo(job.get("replica").asString());
    }

    @Test
    void a_plain_run_through_the_jobs_api_is_dry_like_one_through_the_gc_api_and_shows_its_parameters() throws Exception {
        // issue 11, correctness 5: POST /jobs/gc/runs was a real run (POST /gc/runs a dry one) and showed parameters: null
        var started = expect(admin.send("POST", "/api/v1/jobs/gc/runs"), 202);
        JsonNode run = json(started);
        assertThat(run.get("parameters").asString()).isEqualTo("deleteUntagged=false dryRun=true");
        for (int i = 0; i < 400 && run.get("state").asString().equals("RUNNING"); i++) {
            Thread.sleep(50);
            run = json(expect(admin.send("GET", started.headers().firstValue("Location").orElseThrow()), 200));
        }
        assertThat(run.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(run.get("summary").asString()).startsWith("dry run: would delete");
        assertThat(json(expect(admin.send("GET", "/api/v1/gc/runs/" + run.get("id").asLong()), 200)).get("dryRun").asBoolean()).isTrue();

        assertProblem(admin.send("POST", "/api/v1/jobs/gc/runs?dryRun=maybe"), 400, "dryRun");
        assertProblem(admin.send("POST", "/api/v1/jobs/gc/runs?dry_run=false"), 400, "dry_run");
    }

    @Test
    void a_real_run_is_audited_as_the_admin_who_started_it_with_the_run_and_the_address_it_came_from() throws Exception {
        // issue 11, correctness 5: a run started by an admin recorded its deletions as system, without the run
        JsonNode real = finishedRun(expect(admin.send("POST", "/api/v1/gc/runs?dryRun=false"), 202));
        long id = real.get("id").asLong();
        audit.flush();

        JsonNode entry = json(expect(admin.send("GET", "/api/v1/audit?page_size=100"), 200)).valueStream()
                .filter(e -> ("gc-run:" + id).equals(e.path("cause").asString("")) && e.get("resource").asString().equals("gc"))
                .findFirst().orElseThrow(() -> new AssertionError("no audit entry with cause gc-run:" + id));

        assertThat(real.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(entry.get("actor").asString()).isEqualTo("admin");
        assertThat(entry.get("actorKind").asString()).isEqualTo("user");
        assertThat(entry.get("clientAddress").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(entry.get("operation").asString()).isEqualTo("delete");
    }

    @Test
    void the_schedule_takes_a_cron_expression_or_null_and_refuses_anything_else_naming_the_field() {
        try {
            JsonNode set = json(expect(send(admin, "PUT", "/api/v1/gc/schedule",
                    "{\"schedule\":\"0 0 2 * * *\",\"deleteUntagged\":true}"), 200));
            assertThat(set.get("schedule").asString()).isEqualTo("0 0 2 * * *");
            assertThat(set.get("deleteUntagged").asBoolean()).isTrue();
            assertThat(set.get("nextRunAt").asString()).endsWith("T02:00:00Z");
            assertThat(set.get("updatedBy").asString()).isEqualTo("admin");

            assertProblem(send(admin, "PUT", "/api/v1/gc/schedule", "{\"schedule\":\"at two\"}"), 400, "schedule");
            assertProblem(send(admin, "PUT", "/api/v1/gc/schedule", "{\"schedule\":7}"), 400, "schedule");
        } finally {
            JsonNode off = json(expect(send(admin, "PUT", "/api/v1/gc/schedule", "{\"schedule\":null}"), 200));
            assertThat(off.get("schedule").isNull()).isTrue();
            assertThat(off.get("nextRunAt").isNull()).isTrue();
        }
    }

    @Test
    void only_system_admins_see_and_run_garbage_collection_and_unknown_or_finished_runs_answer_clearly() throws Exception {
        AccessFixture fixture = fixture();
        RegistryClient projectAdmin = fixture.basic(port, "project-admin");

        assertProblem(projectAdmin.send("GET", "/api/v1/gc"), 403, null);
        assertProblem(projectAdmin.send("POST", "/api/v1/gc/runs?dryRun=false"), 403, null);
        assertProblem(send(projectAdmin, "PUT", "/api/v1/gc/schedule", "{\"schedule\":null}"), 403, null);
        assertProblem(RegistryClient.anonymous(port).send("GET", "/api/v1/gc/runs"), 401, null);
        assertProblem(admin.send("GET", "/api/v1/gc/runs/987654321"), 404, null);
        assertProblem(admin.send("POST", "/api/v1/gc/runs?dryRun=maybe"), 400, "dryRun");

        JsonNode done = finishedRun(expect(admin.send("POST", "/api/v1/gc/runs"), 202));
        assertProblem(admin.send("POST", "/api/v1/gc/runs/" + done.get("id").asLong() + "/stop"), 409, null);
    }
}
