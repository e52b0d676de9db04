package dev.registry.core.project.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface ProjectEntityRepository extends JpaRepository<ProjectEntity, Long> {

    Optional<ProjectEntity> findByName(String name);

    /** Creates the project unless the name is taken; 1 when this call created it. */
    @Modifying
    @Query(value = "INSERT INTO project (name, is_public, quota_bytes, created_by, created_at)"
            + " VALUES (:name, :isPublic, :quota, :createdBy, :now) ON CONFLICT DO NOTHING", nativeQuery = true)
    int insertIfAbsent(String name, boolean isPublic, Long quota, String createdBy, Instant now);

    @Query(value = "SELECT count(*) FROM repository WHERE project_id = :projectId", nativeQuery = true)
    long countRepositories(long projectId);

    @Modifying
    @Query(value = "DELETE FROM robot_permission WHERE project_name = :name", nativeQuery = true)
    int deleteRobotPermissions(String name);

    List<ProjectEntity> findByNameLike(String like, Pageable page);

    List<ProjectEntity> findByNameLikeAndIdIn(String like, List<Long> ids, Pageable page);

    long countByNameLike(String like);

    long countByNameLikeAndIdIn(String like, List<Long> ids);

    @Query(value = "SELECT id FROM project WHERE is_public", nativeQuery = true)
    List<Long> publicIds();

    @Query(value = "SELECT id FROM project WHERE is_public OR id IN"
            + " (SELECT project_id FROM project_member WHERE principal_kind = 'USER' AND principal_id = :userId)",
            nativeQuery = true)
    List<Long> publicOrMemberIds(long userId);
}
