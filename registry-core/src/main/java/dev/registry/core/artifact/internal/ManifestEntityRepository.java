package dev.registry.core.artifact.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface ManifestEntityRepository extends JpaRepository<ManifestEntity, Long> {

    /** Stores a manifest unless the repository has it already (same digest means same bytes). */
    @Modifying
    @Query(value = "INSERT INTO manifest (repository_id, digest, media_type, artifact_type, size, content,"
            + " subject_digest, annotations, pushed_at) VALUES (:repositoryId, :digest, :mediaType, :artifactType,"
            + " :size, :content, :subjectDigest, :annotations, :now) ON CONFLICT DO NOTHING", nativeQuery = true)
    int insertIfAbsent(long repositoryId, String digest, String mediaType, String artifactType, long size,
                       byte[] content, String subjectDigest, String annotations, Instant now);

    @Query(value = "SELECT count(*) FROM manifest WHERE repository_id = :repositoryId", nativeQuery = true)
    long countByRepositoryId(long repositoryId);

    @Query(value = "SELECT id FROM manifest WHERE repository_id = :repositoryId AND digest = :digest", nativeQuery = true)
    Optional<Long> findId(long repositoryId, String digest);

    @Modifying
    @Query(value = "INSERT INTO manifest_reference (manifest_id, kind, digest) VALUES (:manifestId, :kind, :digest)"
            + " ON CONFLICT DO NOTHING", nativeQuery = true)
    int addReference(long manifestId, String kind, String digest);

    @Query(value = "SELECT * FROM manifest WHERE repository_id = :repositoryId AND subject_digest = :subject"
            + " ORDER BY pushed_at, id", nativeQuery = true)
    List<ManifestEntity> findReferrers(long repositoryId, String subject);
}
