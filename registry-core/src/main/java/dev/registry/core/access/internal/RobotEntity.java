package dev.registry.core.access.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "robot")
public class RobotEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String name;
    private String description;
    private Long projectId;
    private String secretHash;
    private boolean canCreateProjects;
    private boolean disabled;
    private Instant expiresAt;
    private String createdBy;
    private Instant createdAt;
    private Instant credentialsChangedAt;

    protected RobotEntity() {
    }

    public RobotEntity(String name, String description, Long projectId, String secretHash, boolean canCreateProjects,
                       Instant expiresAt, String createdBy, Instant now) {
        this.name = name;
        this.description = description;
        this.projectId = projectId;
        this.secretHash = secretHash;
        this.canCreateProjects = canCreateProjects;
        this.expiresAt = expiresAt;
        this.createdBy = createdBy;
        this.createdAt = now;
        this.credentialsChangedAt = now;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getDescription() {
        return description;
    }

    public Long getProjectId() {
        return projectId;
    }

    public String getSecretHash() {
        return secretHash;
    }

    public boolean isCanCreateProjects() {
        return canCreateProjects;
    }

    public boolean isDisabled() {
        return disabled;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public String getCreatedBy() {
        return createdBy;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getCredentialsChangedAt() {
        return credentialsChangedAt;
    }

    public void setSecretHash(String secretHash, Instant now) {
        this.secretHash = secretHash;
        this.credentialsChangedAt = now;
    }

    /**
     * What the robot may do changed: tokens issued before now are refused (as after a rotation), so
     * its next request signs in again and gets the new scopes, never the old ones.
     */
    public void permissionsChanged(Instant now) {
        this.credentialsChangedAt = now;
    }

    public void setDisabled(boolean disabled) {
        this.disabled = disabled;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public void setExpiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
    }
}
