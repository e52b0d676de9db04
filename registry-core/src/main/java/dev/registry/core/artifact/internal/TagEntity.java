package dev.registry.core.artifact.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A mutable name for one manifest of a repository. */
@Entity
@Table(name = "tag")
public class TagEntity {
    @Id
    private Long id;
    private long repositoryId;
    private String name;
    private long manifestId;
    private Instant updatedAt;

    protected TagEntity() {
    }

    public String getName() {
        return name;
    }

    public long getManifestId() {
        return manifestId;
    }
}
