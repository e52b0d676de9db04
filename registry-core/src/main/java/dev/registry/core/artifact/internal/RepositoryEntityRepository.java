package dev.registry.core.artifact.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface RepositoryEntityRepository extends JpaRepository<RepositoryEntity, Long> {

    @Query(value = "SELECT id FROM repository WHERE name = :name", nativeQuery = true)
    Optional<Long> findIdByName(String name);

    /** Creates the repository unless it exists; safe when two pushes create it at once. */
    @Modifying
    @Query(value = "INSERT INTO repository (name, project_id, created_at) VALUES (:name, :projectId, :now) ON CONFLICT DO NOTHING",
            nativeQuery = true)
    int insertIfAbsent(String name, long projectId, Instant now);

    @Query(value = "SELECT id FROM project WHERE name = :name", nativeQuery = true)
    Optional<Long> findProjectId(String name);

    /** Repositories holding at least one manifest, in lexical order, after {@code last}. */
    @Query(value = "SELECT r.name FROM repository r WHERE r.name > :last"
            + " AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id)"
            + " ORDER BY r.name LIMIT :limit", nativeQuery = true)
    List<String> catalogPage(String last, int limit);

    /** {@link #catalogPage} limited to repositories of the given projects. */
    @Query(value = "SELECT r.name FROM repository r WHERE r.name > :last AND r.project_id IN (:projectIds)"
            + " AND EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id)"
            + " ORDER BY r.name LIMIT :limit", nativeQuery = true)
    List<String> catalogPage(String last, int limit, List<Long> projectIds);
}
