package dev.registry.core.project.internal;

import dev.registry.core.project.Member;
import dev.registry.core.project.Role;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

@Entity
@Table(name = "project_member")
@IdClass(MemberEntity.Key.class)
public class MemberEntity {

    public record Key(Long projectId, String principalKind, Long principalId) implements Serializable {
        public Key() {
            this(null, null, null);
        }
    }

    @Id
    private Long projectId;
    @Id
    private String principalKind;
    @Id
    private Long principalId;
    @Enumerated(EnumType.STRING)
    private Role role;
    private Instant createdAt;

    protected MemberEntity() {
    }

    public MemberEntity(long projectId, Member.MemberKind kind, long principalId, Role role, Instant now) {
        this.projectId = projectId;
        this.principalKind = kind.name();
        this.principalId = principalId;
        this.role = role;
        this.createdAt = now;
    }

    public Role getRole() {
        return role;
    }

    public void setRole(Role role) {
        this.role = role;
    }
}
