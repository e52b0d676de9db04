package dev.registry.core.upload.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The open uploads: a row in {@code upload_session} lets any replica continue an upload. Plain
 * SQL, one statement each, in the caller's transaction when there is one: these run several times
 * for every blob pushed, and through JPA each paid for a query translation, an entity and a flush.
 */
@Component
public class UploadSessions {

    /** An open upload as read. {@code startedBy} is null for sessions from before V3. */
    public record Session(String id, String storageUploadId, String startedBy, Instant updatedAt) {
    }

    private static final String COLUMNS = "s.id, s.storage_upload_id, s.started_by, s.updated_at";

    private final JdbcClient jdbc;

    public UploadSessions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a new session, started and last touched {@code now}. */
    public void open(String id, long repositoryId, String storageUploadId, String startedBy, Instant now) {
        jdbc.sql("INSERT INTO upload_session (id, repository_id, storage_upload_id, started_by, started_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")
                .params(id, repositoryId, storageUploadId, startedBy, utc(now), utc(now)).update();
    }

    public Optional<Session> findInRepository(String id, String repository) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM upload_session s JOIN repository r ON r.id = s.repository_id"
                        + " WHERE s.id = ? AND r.name = ?")
                .params(id, repository).query(UploadSessions::session).optional();
    }

    /** Open sessions in a repository (for {@code registry.uploads.limits.max-open-per-repository}). */
    public long countInRepository(String repository) {
        return jdbc.sql("SELECT count(*) FROM upload_session s JOIN repository r ON r.id = s.repository_id"
                        + " WHERE r.name = ?")
                .param(repository).query(Long.class).single();
    }

    /** Open sessions a principal started (for {@code registry.uploads.limits.max-open-per-principal}). */
    public long countStartedBy(String startedBy) {
        return jdbc.sql("SELECT count(*) FROM upload_session WHERE started_by = ?").param(startedBy)
                .query(Long.class).single();
    }

    /** Moves the session's last activity to {@code now}. */
    public int touch(String id, Instant now) {
        return jdbc.sql("UPDATE upload_session SET updated_at = ? WHERE id = ?").params(utc(now), id).update();
    }

    public int close(String id) {
        return jdbc.sql("DELETE FROM upload_session WHERE id = ?").param(id).update();
    }

    public List<Session> findIdleSince(Instant cutoff) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM upload_session s WHERE s.updated_at < ?").param(utc(cutoff))
                .query(UploadSessions::session).list();
    }

    private static Session session(ResultSet rs, int row) throws SQLException {
        return new Session(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getObject(4, OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
