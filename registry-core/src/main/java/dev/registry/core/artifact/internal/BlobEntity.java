package dev.registry.core.artifact.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A verified blob in the BlobStore, known to the metadata. */
@Entity
@Table(name = "blob")
public class BlobEntity {
    @Id
    private String digest;
    private long size;
    private Instant createdAt;

    protected BlobEntity() {
    }

    public String getDigest() {
        return digest;
    }

    public long getSize() {
        return size;
    }
}
