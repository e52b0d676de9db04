package dev.registry.core.quota;

import dev.registry.core.job.Job;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code quota-recalculation} job: recomputes every project's usage from the link and
 * manifest tables ({@link QuotaService#recalculate}) and reports the projects whose live figure
 * had drifted. The live figure is kept in the same transactions as every change, so a drift means
 * something changed rows behind the services' back; this job repairs it and says so. Started by
 * hand through {@code /api/v1/jobs/quota-recalculation/runs}.
 */
@Component
public class QuotaRecalculationJob implements Job {

    public static final String NAME = "quota-recalculation";

    private final QuotaService quotas;
    private final JdbcClient jdbc;

    public QuotaRecalculationJob(QuotaService quotas, JdbcClient jdbc) {
        this.quotas = quotas;
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "recomputes every project's storage usage and repairs figures that drifted";
    }

    @Override
    public String run(Context context) {
        List<String> projects = jdbc.sql("SELECT name FROM project ORDER BY name").query(String.class).list();
        int done = 0;
        StringBuilder drifted = new StringBuilder();
        int drifts = 0;
        for (String project : projects) {
            if (context.stopRequested()) {
                break;
            }
            QuotaService.Recalculation result = quotas.recalculate(project);
            if (result.previousUsedBytes() != result.usage().usedBytes()) {
                drifts++;
                if (drifted.length() < 2000) {
                    drifted.append(drifts == 1 ? "; drifted: " : ", ").append(project).append(' ')
                            .append(result.previousUsedBytes()).append(" -> ").append(result.usage().usedBytes());
                }
            }
            done++;
            if (done % 100 == 0) {
                context.progress(done + " of " + projects.size() + " projects");
            }
        }
        return done + " of " + projects.size() + " projects recalculated, " + drifts + " had drifted" + drifted;
    }
}
