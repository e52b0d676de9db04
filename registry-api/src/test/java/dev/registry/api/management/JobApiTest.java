package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.access.AccessFixture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** /api/v1/jobs: the jobs with their last run, starting a run and following it, who may. */
class JobApiTest extends ManagementTestBase {

    @Test
    void an_admin_starts_the_upload_clean_up_follows_it_to_the_end_and_finds_it_in_the_history() throws Exception {
        // when the admin starts a run and follows its Location
        var started = expect(admin.send("POST", "/api/v1/jobs/upload-cleanup/runs"), 202);
        String location = started.headers().firstValue("Location").orElseThrow();
        JsonNode run = json(started);
        for (int i = 0; i < 100 && run.get("state").asString().equals("RUNNING"); i++) {
            Thread.sleep(50);
            run = json(expect(admin.send("GET", location), 200));
        }
        JsonNode jobs = json(expect(admin.send("GET", "/api/v1/jobs"), 200));
        var history = expect(admin.send("GET", "/api/v1/jobs/upload-cleanup/runs?page_size=5"), 200);

        // then it succeeded, says what it did, and shows as the job's last run and first in its history
        assertThat(run.get("state").asString()).isIn("SUCCEEDED", "SKIPPED");
        if (run.get("state").asString().equals("SUCCEEDED")) {
            assertThat(run.get("summary").asString()).startsWith("cancelled ");
        }
        assertThat(run.get("trigger").asString()).isEqualTo("manual");
        assertThat(run.get("triggeredBy").asString()).isEqualTo("admin");
        JsonNode cleanup = jobs.valueStream().filter(j -> j.get("name").asString().equals("upload-cleanup")).findFirst().orElseThrow();
        assertThat(cleanup.get("description").asString()).contains("idle");
        assertThat(json(history).get(0).get("id").asLong()).isEqualTo(run.get("id").asLong());
        assertThat(history.headers().firstValue("X-Total-Count")).isPresent();
    }

    @Test
    void only_system_admins_see_and_run_jobs_and_unknown_jobs_and_runs_are_404() {
        AccessFixture fixture = fixture();
        RegistryClient projectAdmin = fixture.basic(port, "project-admin");

        assertProblem(projectAdmin.send("GET", "/api/v1/jobs"), 403, null);
        assertProblem(projectAdmin.send("POST", "/api/v1/jobs/upload-cleanup/runs"), 403, null);
        assertProblem(RegistryClient.anonymous(port).send("GET", "/api/v1/jobs"), 401, null);
        assertProblem(admin.send("POST", "/api/v1/jobs/no-such-job/runs"), 404, null);
        assertProblem(admin.send("GET", "/api/v1/jobs/upload-cleanup/runs/987654321"), 404, null);
    }

    @Test
    void the_retention_job_runs_every_project_policy_and_says_so() throws Exception {
        var started = json(expect(admin.send("POST", "/api/v1/jobs/retention/runs"), 202));
        JsonNode run = started;
        for (int i = 0; i < 200 && run.get("state").asString().equals("RUNNING"); i++) {
            Thread.sleep(50);
            run = json(expect(admin.send("GET", "/api/v1/jobs/retention/runs/" + started.get("id").asLong()), 200));
        }

        assertThat(run.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(run.get("summary").asString()).contains("project policies run");
    }

    @Test
    void the_quota_recalculation_job_repairs_a_drifted_usage_figure_and_names_the_project() throws Exception {
        // given a project whose live usage figure was changed behind the services' back
        String project = unique("drift");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + project + "\"}"), 201);
        admin.pushBlob(project + "/app", "some bytes".getBytes());
        long live = json(expect(admin.send("GET", "/api/v1/projects/" + project + "/usage"), 200)).get("usedBytes").asLong();
        jdbc.update("UPDATE project_usage SET used_bytes = used_bytes + 999 WHERE project_id = (SELECT id FROM project WHERE name = ?)",
                project);

        // when the job runs
        var started = json(expect(admin.send("POST", "/api/v1/jobs/quota-recalculation/runs"), 202));
        JsonNode run = started;
        for (int i = 0; i < 200 && run.get("state").asString().equals("RUNNING"); i++) {
            Thread.sleep(50);
            run = json(expect(admin.send("GET", "/api/v1/jobs/quota-recalculation/runs/" + started.get("id").asLong()), 200));
        }

        // then the figure is back to what the tables say, and the run names the project
        assertThat(run.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(run.get("summary").asString()).contains(project + " " + (live + 999) + " -> " + live);
        assertThat(json(expect(admin.send("GET", "/api/v1/projects/" + project + "/usage"), 200)).get("usedBytes").asLong())
                .isEqualTo(live);
    }
}
