package dev.registry.core.project.internal;

import dev.registry.core.project.Project;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "project")
public class ProjectEntity {
    @Id
    private Long id;
    private String name;
    @Column(name = "is_public")
    private boolean isPublic;
    private Long quotaBytes;
    private String createdBy;
    private Instant createdAt;

    protected ProjectEntity() {
    }

    public Long getId() {
        return id;
    }

    public void setPublic(boolean isPublic) {
        this.isPublic = isPublic;
    }

    public void setQuotaBytes(Long quotaBytes) {
        this.quotaBytes = quotaBytes;
    }

    public Project toProject() {
        return new Project(id, name, isPublic, quotaBytes, createdBy, createdAt);
    }
}
