package dev.registry.core.project.internal;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface MemberEntityRepository extends JpaRepository<MemberEntity, MemberEntity.Key> {

    /** Rows of (user id, username, role) for the project's user members, by username. */
    @Query(value = "SELECT u.id, u.username, m.role FROM project_member m JOIN user_account u ON u.id = m.principal_id"
            + " WHERE m.project_id = :projectId AND m.principal_kind = 'USER' ORDER BY u.username", nativeQuery = true)
    List<Object[]> findMembers(long projectId);

    /** Rows of (project id, role) of the user's memberships among the given projects. */
    @Query(value = "SELECT m.project_id, m.role FROM project_member m WHERE m.principal_kind = 'USER'"
            + " AND m.principal_id = :userId AND m.project_id IN (:projectIds)", nativeQuery = true)
    List<Object[]> findRoles(long userId, java.util.Collection<Long> projectIds);

    @Query(value = "SELECT username FROM user_account WHERE id = :userId", nativeQuery = true)
    Optional<String> findUsername(long userId);

    @Query(value = "SELECT id FROM user_account WHERE username = :username", nativeQuery = true)
    Optional<Long> findUserId(String username);

    /** Rows of (user id, username, role) for one page of the project's user members whose name matches {@code like} ({@link dev.registry.core.jpa.Like}), by username. */
    @Query(value = "SELECT u.id, u.username, m.role FROM project_member m JOIN user_account u ON u.id = m.principal_id"
            + " WHERE m.project_id = :projectId AND m.principal_kind = 'USER' AND u.username LIKE :like ESCAPE '!' ORDER BY u.username"
            + " LIMIT :size OFFSET :offset", nativeQuery = true)
    List<Object[]> findMembers(long projectId, String like, long offset, int size);

    @Query(value = "SELECT u.id, u.username, m.role FROM project_member m JOIN user_account u ON u.id = m.principal_id"
            + " WHERE m.project_id = :projectId AND m.principal_kind = 'USER' AND u.username = :username", nativeQuery = true)
    List<Object[]> findMember(long projectId, String username);

    @Query(value = "SELECT count(*) FROM project_member m JOIN user_account u ON u.id = m.principal_id"
            + " WHERE m.project_id = :projectId AND m.principal_kind = 'USER' AND u.username LIKE :like ESCAPE '!'", nativeQuery = true)
    long countMembers(long projectId, String like);

    @Query(value = "SELECT count(*) FROM project_member WHERE project_id = :projectId AND principal_kind = 'USER'"
            + " AND role = 'PROJECT_ADMIN'", nativeQuery = true)
    long countAdmins(long projectId);
}
