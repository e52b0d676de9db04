package dev.registry.core.artifact.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface BlobEntityRepository extends JpaRepository<BlobEntity, String> {

    @Modifying
    @Query(value = "INSERT INTO blob (digest, size, created_at) VALUES (:digest, :size, :now) ON CONFLICT DO NOTHING",
            nativeQuery = true)
    int insertIfAbsent(String digest, long size, Instant now);

    @Modifying
    @Query(value = "INSERT INTO repository_blob (repository_id, digest, created_at) VALUES (:repositoryId, :digest, :now)"
            + " ON CONFLICT DO NOTHING", nativeQuery = true)
    int linkIfAbsent(long repositoryId, String digest, Instant now);

    /** A link made again (an upload or mount of a blob the repository has) starts its grace anew. */
    @Modifying
    @Query(value = "UPDATE repository_blob SET created_at = :now WHERE repository_id = :repositoryId AND digest = :digest",
            nativeQuery = true)
    int refreshLink(long repositoryId, String digest, Instant now);

    @Modifying
    @Query(value = "DELETE FROM repository_blob WHERE repository_id = :repositoryId AND digest = :digest",
            nativeQuery = true)
    int unlink(long repositoryId, String digest);

    /** Size of a blob linked in the repository, when it is. */
    @Query(value = "SELECT b.size FROM blob b JOIN repository_blob l ON l.digest = b.digest"
            + " WHERE l.repository_id = :repositoryId AND b.digest = :digest", nativeQuery = true)
    Optional<Long> linkedSize(long repositoryId, String digest);

    @Query(value = "SELECT l.digest FROM repository_blob l WHERE l.repository_id = :repositoryId AND l.digest IN (:digests)",
            nativeQuery = true)
    List<String> linkedAmong(long repositoryId, Collection<String> digests);

    /** Names of repositories holding a link to the digest. */
    @Query(value = "SELECT r.name FROM repository r JOIN repository_blob l ON l.repository_id = r.id"
            + " WHERE l.digest = :digest ORDER BY r.name", nativeQuery = true)
    List<String> repositoriesLinking(String digest);
}
