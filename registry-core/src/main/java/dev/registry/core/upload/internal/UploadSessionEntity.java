package dev.registry.core.upload.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import org.springframework.data.domain.Persistable;

/**
 * An open upload; the row lets any replica continue it. Its id is assigned (a UUID), so it says
 * itself whether it is new: saving a new session is one INSERT, without a SELECT first.
 */
@Entity
@Table(name = "upload_session")
public class UploadSessionEntity implements Persistable<String> {
    @Id
    private String id;
    private long repositoryId;
    private String storageUploadId;
    private Instant startedAt;
    private Instant updatedAt;
    private String startedBy;
    @Transient
    private boolean created;

    protected UploadSessionEntity() {
    }

    public UploadSessionEntity(String id, long repositoryId, String storageUploadId, String startedBy, Instant now) {
        this.id = id;
        this.startedBy = startedBy;
        this.repositoryId = repositoryId;
        this.storageUploadId = storageUploadId;
        this.startedAt = now;
        this.updatedAt = now;
        this.created = true;
    }

    @Override
    public boolean isNew() {
        return created;
    }

    @Override
    public String getId() {
        return id;
    }

    public String getStartedBy() {
        return startedBy;
    }

    public String getStorageUploadId() {
        return storageUploadId;
    }

    /** When the session was started or last touched, as loaded. */
    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
