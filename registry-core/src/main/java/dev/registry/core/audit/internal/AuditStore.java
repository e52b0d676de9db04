package dev.registry.core.audit.internal;

import dev.registry.core.audit.AuditEvent;
import dev.registry.core.audit.AuditService;
import dev.registry.core.jpa.Like;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code audit_event} table. A pull row is incremented the way every replica can do at once
 * without losing a count: insert it with count 0 unless it exists ({@code ON CONFLICT DO NOTHING}
 * on its unique {@code aggregate_key}; H2 has no {@code DO UPDATE}), then add to it with one
 * {@code UPDATE … SET count = count + ?}.
 */
@Component
public class AuditStore {

    private static final String COLUMNS = "id, occurred_at, actor_name, actor_kind, client_address, project, resource,"
            + " operation, detail, count, cause";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    public AuditStore(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    public void write(AuditBuffer.Drained drained) {
        tx.executeWithoutResult(status -> {
            for (AuditService.Entry e : drained.entries()) {
                jdbc.sql("INSERT INTO audit_event (occurred_at, actor_name, actor_kind, client_address, project, resource,"
                                + " operation, detail, count, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)")
                        .params(utc(e.occurredAt()), e.actor().name(), e.actor().kind(), e.actor().address(), e.project(),
                                cut(e.resource(), 512), e.operation(), cut(e.detail(), 1024), cut(e.actor().cause(), 512))
                        .update();
            }
            drained.pulls().forEach((key, count) -> {
                jdbc.sql("INSERT INTO audit_event (occurred_at, actor_name, actor_kind, client_address, project, resource,"
                                + " operation, count, aggregate_key) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING")
                        .params(utc(key.hour()), key.actor(), key.actorKind(), count.address(), key.project(), key.repository(),
                                AuditService.PULL, key.aggregateKey())
                        .update();
                jdbc.sql("UPDATE audit_event SET count = count + ? WHERE aggregate_key = ?")
                        .params(count.count(), key.aggregateKey()).update();
            });
        });
    }

    public List<AuditEvent> query(AuditService.Filter filter, long offset, int limit) {
        Where where = where(filter);
        List<Object> params = new ArrayList<>(where.params());
        params.add(limit);
        params.add(offset);
        return jdbc.sql("SELECT " + COLUMNS + " FROM audit_event" + where.sql() + " ORDER BY occurred_at DESC, id DESC LIMIT ? OFFSET ?")
                .params(params)
                .query((rs, n) -> new AuditEvent(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                        rs.getLong(10), rs.getString(11)))
                .list();
    }

    public long count(AuditService.Filter filter) {
        Where where = where(filter);
        return jdbc.sql("SELECT count(*) FROM audit_event" + where.sql()).params(where.params()).query(Long.class).single();
    }

    private record Where(String sql, List<Object> params) {
    }

    /** Only the conditions given (PostgreSQL cannot type a {@code ? IS NULL} parameter). */
    private static Where where(AuditService.Filter filter) {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (filter.project() != null) {
            conditions.add("project = ?");
            params.add(filter.project());
        }
        if (filter.operation() != null) {
            conditions.add("operation = ?");
            params.add(filter.operation());
        }
        if (filter.resource() != null) {
            conditions.add("resource LIKE ? ESCAPE '!'");
            params.add(Like.containing(filter.resource()));
        }
        if (filter.from() != null) {
            conditions.add("occurred_at >= ?");
            params.add(utc(filter.from()));
        }
        if (filter.to() != null) {
            conditions.add("occurred_at < ?");
            params.add(utc(filter.to()));
        }
        return new Where(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
