package dev.registry.core.access.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface UserEntityRepository extends JpaRepository<UserEntity, Long> {

    @Query(value = "SELECT * FROM user_account WHERE username = :username", nativeQuery = true)
    Optional<UserEntity> findByUsername(String username);

    /** One page of the users whose name matches {@code like} ({@link dev.registry.core.jpa.Like}), by name. */
    @Query(value = "SELECT * FROM user_account WHERE username LIKE :like ESCAPE '!' ORDER BY username"
            + " LIMIT :size OFFSET :offset", nativeQuery = true)
    List<UserEntity> findMatching(String like, long offset, int size);

    @Query(value = "SELECT count(*) FROM user_account WHERE username LIKE :like ESCAPE '!'", nativeQuery = true)
    long countMatching(String like);

    /** Creates the user unless the name is taken (two replicas bootstrapping at once); 1 when created. */
    @Modifying
    @Query(value = "INSERT INTO user_account (username, password_hash, system_admin, created_at, credentials_changed_at)"
            + " VALUES (:username, :hash, TRUE, :now, :now) ON CONFLICT DO NOTHING", nativeQuery = true)
    int insertAdminIfAbsent(String username, String hash, Instant now);

    @Modifying
    @Query(value = "DELETE FROM project_member WHERE principal_kind = 'USER' AND principal_id = :userId", nativeQuery = true)
    int deleteMemberships(long userId);
}
