package dev.registry.core.access.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "user_account")
public class UserEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String username;
    private String passwordHash;
    private String email;
    private String fullName;
    private boolean systemAdmin;
    private Instant createdAt;
    private Instant credentialsChangedAt;

    protected UserEntity() {
    }

    public UserEntity(String username, String passwordHash, String email, String fullName, boolean systemAdmin, Instant now) {
        this.username = username;
        this.passwordHash = passwordHash;
        this.email = email;
        this.fullName = fullName;
        this.systemAdmin = systemAdmin;
        this.createdAt = now;
        this.credentialsChangedAt = now;
    }

    public Long getId() {
        return id;
    }

    public String getUsername() {
        return username;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public String getEmail() {
        return email;
    }

    public String getFullName() {
        return fullName;
    }

    public boolean isSystemAdmin() {
        return systemAdmin;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getCredentialsChangedAt() {
        return credentialsChangedAt;
    }

    public void setPasswordHash(String passwordHash, Instant now) {
        this.passwordHash = passwordHash;
        this.credentialsChangedAt = now;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public void setFullName(String fullName) {
        this.fullName = fullName;
    }

    public void setSystemAdmin(boolean systemAdmin) {
        this.systemAdmin = systemAdmin;
    }
}
