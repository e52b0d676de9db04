package dev.registry.core.artifact.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "repository")
public class RepositoryEntity {
    @Id
    private Long id;
    private String name;
    private Instant createdAt;

    protected RepositoryEntity() {
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
