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

    /**
     * Refuses early what the link would refuse late (issue 11, correctness item 9): {@code DENIED}
     * when the project is already at or over its quota ({@code bytes} 0: an upload of unknown size
     * is starting), or when {@code bytes} more would take it over. Reads the live figure without
     * locking it: the link in {@link QuotaLedger} stays the exact check. A blob the project already
     * links costs nothing there, so an upload whose {@code digest} is known up front (monolithic, or
     * the request completing a session) and already linked in the project passes; one whose digest
     * is not known yet (a start, a {@code PATCH}) is refused here even if it would turn out to be one.
     *
     * @param digest the blob's digest when known, else null
     */
    public void requireRoomFor(String project, long bytes, String digest) {
        ProjectUsage usage = usage(project);
        if (digest != null && usage.quotaBytes() != null && linkedInProject(project, digest)) {
            return;
        }
        Long quota = usage.quotaBytes();
        if (quota == null) {
            return;
        }
        long used = usage.usedBytes();
        if (bytes <= 0 && used >= quota) {
            throw new RegistryException(ErrorCode.DENIED, "project " + project + " uses " + ByteSizes.format(used)
                    + " of its " + ByteSizes.format(quota) + " quota; delete artifacts or ask a system administrator"
                    + " to raise the quota");
        }
        if (bytes > 0 && used + bytes > quota) {
            throw new RegistryException(ErrorCode.DENIED, "project " + project + " would use "
                    + ByteSizes.format(used + bytes) + " of its " + ByteSizes.format(quota) + " quota (it uses "
                    + ByteSizes.format(used) + " now); delete artifacts or ask a system administrator to raise the quota");
        }
    }

    private boolean linkedInProject(String project, String digest) {
        return jdbc.sql("SELECT count(*) FROM repository_blob l JOIN repository r ON r.id = l.repository_id"
                        + " JOIN project p ON p.id = r.project_id WHERE p.name = ? AND l.digest = ?")
                .params(project, digest).query(Long.class).single() > 0;
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
