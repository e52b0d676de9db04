package dev.registry.core.access.internal;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface RobotEntityRepository extends JpaRepository<RobotEntity, Long> {

    @Query(value = "SELECT * FROM robot WHERE name = :name", nativeQuery = true)
    Optional<RobotEntity> findByName(String name);

    /** One page of the project's robots, by name. */
    @Query(value = "SELECT * FROM robot WHERE project_id = :projectId ORDER BY name LIMIT :size OFFSET :offset",
            nativeQuery = true)
    List<RobotEntity> findByProjectId(long projectId, long offset, int size);

    @Query(value = "SELECT count(*) FROM robot WHERE project_id = :projectId", nativeQuery = true)
    long countByProjectId(long projectId);

    /** One page of the system robots, by name. */
    @Query(value = "SELECT * FROM robot WHERE project_id IS NULL ORDER BY name LIMIT :size OFFSET :offset",
            nativeQuery = true)
    List<RobotEntity> findSystemRobots(long offset, int size);

    @Query(value = "SELECT count(*) FROM robot WHERE project_id IS NULL", nativeQuery = true)
    long countSystemRobots();
}
