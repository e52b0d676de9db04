package dev.registry.core.artifact.internal;

import java.time.Instant;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface TagEntityRepository extends JpaRepository<TagEntity, Long> {

    @Modifying
    @Query(value = "UPDATE tag SET manifest_id = :manifestId, updated_at = :now"
            + " WHERE repository_id = :repositoryId AND name = :name", nativeQuery = true)
    int point(long repositoryId, String name, long manifestId, Instant now);

    @Modifying
    @Query(value = "INSERT INTO tag (repository_id, name, manifest_id, updated_at)"
            + " VALUES (:repositoryId, :name, :manifestId, :now) ON CONFLICT DO NOTHING", nativeQuery = true)
    int insertIfAbsent(long repositoryId, String name, long manifestId, Instant now);

    @Modifying
    @Query(value = "DELETE FROM tag WHERE repository_id = :repositoryId AND name = :name", nativeQuery = true)
    int deleteByName(long repositoryId, String name);

    @Modifying
    @Query(value = "DELETE FROM tag WHERE manifest_id = :manifestId", nativeQuery = true)
    int deleteByManifest(long manifestId);

    @Query(value = "SELECT name FROM tag WHERE repository_id = :repositoryId AND name > :last ORDER BY name LIMIT :limit",
            nativeQuery = true)
    List<String> page(long repositoryId, String last, int limit);

    @Query(value = "SELECT manifest_id FROM tag WHERE repository_id = :repositoryId AND name = :name", nativeQuery = true)
    java.util.Optional<Long> findManifestId(long repositoryId, String name);

    @Query(value = "SELECT name FROM tag WHERE manifest_id = :manifestId", nativeQuery = true)
    java.util.List<String> namesOf(long manifestId);

    @Query(value = "SELECT name FROM tag WHERE repository_id = :repositoryId", nativeQuery = true)
    java.util.List<String> namesIn(long repositoryId);
}
