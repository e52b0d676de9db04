package dev.registry.core.project.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface ProjectEntityRepository extends JpaRepository<ProjectEntity, Long> {

    @Query(value = "SELECT * FROM project WHERE name = :name", nativeQuery = true)
    Optional<ProjectEntity> findByName(String name);

    /** Locks the project's row until the transaction ends (changes of its members run one at a time). */
    @Query(value = "SELECT id FROM project WHERE id = :id FOR UPDATE", nativeQuery = true)
    Optional<Long> lockById(long id);

    /** Creates the project unless the name is taken; 1 when this call created it. */
    @Modifying
    @Query(value = "INSERT INTO project (name, is_public, quota_bytes, created_by, created_at)"
            + " VALUES (:name, :isPublic, :quota, :createdBy, :now) ON CONFLICT DO NOTHING", nativeQuery = true)
    int insertIfAbsent(String name, boolean isPublic, Long quota, String createdBy, Instant now);

    /** Repositories of the project that exist: those holding a manifest. */
    @Query(value = "SELECT count(*) FROM repository r WHERE r.project_id = :projectId"
            + " AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id)", nativeQuery = true)
    long countRepositories(long projectId);

    /** Rows of the project's repositories without a manifest (uploads or mounts whose manifest never came). */
    @Query(value = "SELECT r.id FROM repository r WHERE r.project_id = :projectId"
            + " AND NOT EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id)", nativeQuery = true)
    List<Long> emptyRepositoryIds(long projectId);

    /** Deletes repository rows; their links and open upload sessions cascade. */
    @Modifying
    @Query(value = "DELETE FROM repository WHERE id IN (:ids)", nativeQuery = true)
    int deleteRepositories(List<Long> ids);

    @Modifying
    @Query(value = "DELETE FROM robot_permission WHERE project_name = :name", nativeQuery = true)
    int deleteRobotPermissions(String name);

    /** One page of the projects whose name matches {@code like} ({@link dev.registry.core.jpa.Like}), by name. */
    @Query(value = "SELECT * FROM project WHERE name LIKE :like ESCAPE '!' ORDER BY name LIMIT :size OFFSET :offset",
            nativeQuery = true)
    List<ProjectEntity> findMatching(String like, long offset, int size);

    /** The same among the projects {@code ids}. */
    @Query(value = "SELECT * FROM project WHERE name LIKE :like ESCAPE '!' AND id IN (:ids) ORDER BY name"
            + " LIMIT :size OFFSET :offset", nativeQuery = true)
    List<ProjectEntity> findMatching(String like, List<Long> ids, long offset, int size);

    @Query(value = "SELECT count(*) FROM project WHERE name LIKE :like ESCAPE '!'", nativeQuery = true)
    long countMatching(String like);

    @Query(value = "SELECT count(*) FROM project WHERE name LIKE :like ESCAPE '!' AND id IN (:ids)", nativeQuery = true)
    long countMatching(String like, List<Long> ids);

    @Query(value = "SELECT id FROM project WHERE is_public", nativeQuery = true)
    List<Long> publicIds();

    @Query(value = "SELECT id FROM project WHERE is_public OR id IN"
            + " (SELECT project_id FROM project_member WHERE principal_kind = 'USER' AND principal_id = :userId)",
            nativeQuery = true)
    List<Long> publicOrMemberIds(long userId);
}
