package dev.registry.core.artifact.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A manifest's exact bytes in one repository plus what was parsed from them. */
@Entity
@Table(name = "manifest")
public class ManifestEntity {
    @Id
    private Long id;
    private long repositoryId;
    private String digest;
    private String mediaType;
    private String artifactType;
    private long size;
    @Column(columnDefinition = "BYTEA")
    private byte[] content;
    private String subjectDigest;
    private String annotations;
    private Instant pushedAt;

    protected ManifestEntity() {
    }

    public Long getId() {
        return id;
    }

    public long getRepositoryId() {
        return repositoryId;
    }

    public String getDigest() {
        return digest;
    }

    public String getMediaType() {
        return mediaType;
    }

    public String getArtifactType() {
        return artifactType;
    }

    public long getSize() {
        return size;
    }

    public byte[] getContent() {
        return content;
    }

    public String getSubjectDigest() {
        return subjectDigest;
    }

    public String getAnnotations() {
        return annotations;
    }

    public Instant getPushedAt() {
        return pushedAt;
    }
}
