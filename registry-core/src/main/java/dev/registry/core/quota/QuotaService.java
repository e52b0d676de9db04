package dev.registry.core.quota;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Project quotas, the public face: the live usage figures and their recalculation. The figures
 * are maintained by the artifact feature's transactions through {@link QuotaLedger}; reading them
 * costs one row, never a sum over the project.
 */
@Service
public class QuotaService {

    private final JdbcClient jdbc;
    private final QuotaLedger ledger;
    private final TransactionTemplate tx;

    public QuotaService(JdbcClient jdbc, QuotaLedger ledger, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.tx = tx;
    }

    /** The project's quota and live usage; {@code NAME_UNKNOWN} for no such project. */
    public ProjectUsage usage(String project) {
        return jdbc.sql("SELECT p.name, p.quota_bytes, COALESCE(u.used_bytes, 0) FROM project p"
                        + " LEFT JOIN project_usage u ON u.project_id = p.id WHERE p.name = ?")
                .param(project)
                .query((rs, row) -> new ProjectUsage(rs.getString(1), (Long) rs.getObject(2, Long.class), rs.getLong(3)))
                .optional()
                .orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "project " + project + " does not exist"));
    }

    /** Live usage in bytes by project id, for a page of projects (0 for a project that never held anything). */
    public Map<Long, Long> usedBytes(Collection<Long> projectIds) {
        Map<Long, Long> used = new HashMap<>();
        if (projectIds.isEmpty()) {
            return used;
        }
        jdbc.sql("SELECT project_id, used_bytes FROM project_usage WHERE project_id IN (:ids)")
                .param("ids", List.copyOf(projectIds))
                .query((rs, row) -> used.put(rs.getLong(1), rs.getLong(2))).list();
        return used;
    }

    /**
     * Recomputes the project's usage from the link and manifest tables, stores it and returns the
     * figures. Holds the project's usage lock meanwhile, so it never races a push.
     */
    public Recalculation recalculate(String project) {
        return tx.execute(status -> {
            QuotaLedger.Held held = ledger.lock(project);
            long before = jdbc.sql("SELECT used_bytes FROM project_usage WHERE project_id = ?").param(held.projectId())
                    .query(Long.class).single();
            ledger.recount(held);
            return new Recalculation(usage(project), before);
        });
    }

    /**
     * @param usage               the figures after recalculation
     * @param previousUsedBytes   the live figure it replaced (equal unless something bypassed the ledger)
     */
    public record Recalculation(ProjectUsage usage, long previousUsedBytes) {
    }
}
