package dev.registry.core.access.internal;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

public interface RobotEntityRepository extends JpaRepository<RobotEntity, Long> {

    Optional<RobotEntity> findByName(String name);

    List<RobotEntity> findByProjectId(long projectId, Pageable page);

    long countByProjectId(long projectId);

    List<RobotEntity> findByProjectIdIsNull(Pageable page);

    long countByProjectIdIsNull();
}
