package dev.registry.core.upload.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An open upload; the row lets any replica continue it. */
@Entity
@Table(name = "upload_session")
public class UploadSessionEntity {
    @Id
    private String id;
    private long repositoryId;
    private String storageUploadId;
    private Instant startedAt;
    private Instant updatedAt;

    protected UploadSessionEntity() {
    }

    public UploadSessionEntity(String id, long repositoryId, String storageUploadId, Instant now) {
        this.id = id;
        this.repositoryId = repositoryId;
        this.storageUploadId = storageUploadId;
        this.startedAt = now;
        this.updatedAt = now;
    }

    public String getId() {
        return id;
    }

    public String getStorageUploadId() {
        return storageUploadId;
    }
}
