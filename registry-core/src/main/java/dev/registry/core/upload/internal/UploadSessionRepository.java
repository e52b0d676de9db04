package dev.registry.core.upload.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface UploadSessionRepository extends JpaRepository<UploadSessionEntity, String> {

    @Query("select s from UploadSessionEntity s, dev.registry.core.artifact.internal.RepositoryEntity r"
            + " where s.repositoryId = r.id and s.id = :id and r.name = :repository")
    Optional<UploadSessionEntity> findInRepository(String id, String repository);

    /** Open sessions in a repository (for {@code registry.uploads.limits.max-open-per-repository}). */
    @Query("select count(s) from UploadSessionEntity s, dev.registry.core.artifact.internal.RepositoryEntity r"
            + " where s.repositoryId = r.id and r.name = :repository")
    long countInRepository(String repository);

    /** Open sessions a principal started (for {@code registry.uploads.limits.max-open-per-principal}). */
    @Query("select count(s) from UploadSessionEntity s where s.startedBy = :startedBy")
    long countStartedBy(String startedBy);

    @Modifying
    @Query("update UploadSessionEntity s set s.updatedAt = :now where s.id = :id")
    int touch(String id, Instant now);

    /** Closes a session in one statement (the derived deleteById loads the row first). */
    @Modifying
    @Query("delete from UploadSessionEntity s where s.id = :id")
    int close(String id);

    @Query("select s from UploadSessionEntity s where s.updatedAt < :cutoff")
    List<UploadSessionEntity> findIdleSince(Instant cutoff);
}
