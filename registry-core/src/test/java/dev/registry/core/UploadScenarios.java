package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.artifact.internal.Repositories;
import dev.registry.core.quota.QuotaService;
import dev.registry.core.upload.UploadLimits;
import dev.registry.core.upload.UploadService;
import dev.registry.core.upload.UploadStatus;
import dev.registry.core.upload.internal.UploadSessions;
import dev.registry.storage.BlobInfo;
import dev.registry.storage.UploadNotFoundException;
import dev.registry.storage.filesystem.FilesystemBlobStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** Blob uploads: monolithic, chunked, continued by another replica, expired. */
abstract class UploadScenarios extends DatabaseScenarios {

    @Autowired
    FilesystemBlobStore store;
    @Autowired
    Repositories repositories;
    @Autowired
    UploadSessions sessions;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    QuotaService quota;
    @Autowired
    UploadLimits limits;

    @Test
    void a_monolithic_upload_links_the_verified_blob_into_the_repository() throws Exception {
        // given bytes and their digest
        RepositoryName repo = newRepository("monolithic");
        Blob blob = randomBlob(70_000);

        // when they are uploaded in one request
        BlobInfo stored = pushBlob(repo, blob);

        // then the blob is recorded once, linked here only, and reads back exactly
        assertThat(stored).isEqualTo(new BlobInfo(blob.digest(), blob.size()));
        assertThat(blobs.linkedSize(repo, blob.digest())).contains(blob.size());
        assertThat(blobRows(blob.digest())).isEqualTo(1);
        assertThat(linkRows(repo, blob.digest())).isEqualTo(1);
        assertThat(blobs.linkedSize(newRepository("other"), blob.digest())).isEmpty();
        assertThat(readBlob(blob.digest(), 0)).isEqualTo(blob.bytes());
    }

    @Test
    void a_monolithic_upload_whose_bytes_do_not_match_the_digest_is_refused_and_nothing_is_linked() {
        // given bytes announced under the digest of other bytes
        RepositoryName repo = newRepository("monolithic-mismatch");
        Blob announced = blob("what the client said");
        byte[] sent = "what the client sent".getBytes(StandardCharsets.UTF_8);

        // when they are uploaded
        assertThatThrownBy(() -> uploads.uploadMonolithic(repo, announced.digest(), new ByteArrayInputStream(sent), sent.length))
                // then the upload is refused with DIGEST_INVALID
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID));

        // and no blob row, no link
        assertThat(blobRows(announced.digest())).isZero();
        assertThat(blobs.linkedSize(repo, announced.digest())).isEmpty();
    }

    @Test
    void a_chunked_upload_appends_in_order_and_completes_with_the_digest() throws Exception {
        // given an open session
        RepositoryName repo = newRepository("chunked");
        Blob blob = randomBlob(250_000);
        UploadStatus session = uploads.start(repo, "tester");

        // when two ranged chunks, one streamed chunk without a length and a last chunk are sent
        UploadStatus afterFirst = uploads.append(repo, session.id(), 0L, 100_000, slice(blob, 0, 100_000));
        UploadStatus afterSecond = uploads.append(repo, session.id(), 100_000L, 100_000, slice(blob, 100_000, 200_000));
        UploadStatus afterStreamed = uploads.append(repo, session.id(), null, -1, slice(blob, 200_000, 240_000));
        BlobInfo stored = uploads.complete(repo, session.id(), blob.digest(), slice(blob, 240_000, 250_000), 10_000);

        // then the session counted the bytes, the blob reads back exactly and the session is closed
        assertThat(afterFirst.size()).isEqualTo(100_000);
        assertThat(afterSecond.size()).isEqualTo(200_000);
        assertThat(afterStreamed.size()).isEqualTo(240_000);
        assertThat(stored).isEqualTo(new BlobInfo(blob.digest(), blob.size()));
        assertThat(readBlob(blob.digest(), 0)).isEqualTo(blob.bytes());
        assertThat(uploadSessionRows(session.id())).isZero();
        assertThatThrownBy(() -> uploads.status(repo, session.id()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
    }

    @Test
    void a_chunk_that_does_not_start_where_the_upload_ends_is_refused_and_changes_nothing() throws Exception {
        // given a session holding 10 bytes
        RepositoryName repo = newRepository("range");
        Blob blob = randomBlob(30);
        UploadStatus session = uploads.start(repo, "tester");
        uploads.append(repo, session.id(), 0L, 10, slice(blob, 0, 10));

        // when a chunk claims to start at 20
        assertThatThrownBy(() -> uploads.append(repo, session.id(), 20L, 10, slice(blob, 20, 30)))
                // then it is refused with RANGE_INVALID
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RANGE_INVALID));

        // and the upload is as before, so the right chunks still complete it
        assertThat(uploads.status(repo, session.id()).size()).isEqualTo(10);
        uploads.append(repo, session.id(), 10L, 10, slice(blob, 10, 20));
        uploads.complete(repo, session.id(), blob.digest(), slice(blob, 20, 30), 10);
        assertThat(readBlob(blob.digest(), 0)).isEqualTo(blob.bytes());
    }

    @Test
    void an_upload_started_on_one_replica_is_continued_and_completed_on_another() throws Exception {
        // given replica A (this context) and replica B: its own UploadService over its own store
        // instance on the same directory and the same database, sharing no in-memory state with A
        UploadService replicaA = uploads;
        UploadService replicaB = new UploadService(new FilesystemBlobStore(store.root()), blobs, repositories, sessions, tx, quota, limits);
        RepositoryName repo = newRepository("replicas");
        Blob blob = randomBlob(90_000);

        // when A starts the upload and takes the first chunk, B the second, A the third, and B completes it
        UploadStatus started = replicaA.start(repo, "tester");
        replicaA.append(repo, started.id(), 0L, 30_000, slice(blob, 0, 30_000));
        UploadStatus seenByB = replicaB.status(repo, started.id());
        replicaB.append(repo, started.id(), 30_000L, 30_000, slice(blob, 30_000, 60_000));
        UploadStatus seenByA = replicaA.status(repo, started.id());
        replicaA.append(repo, started.id(), 60_000L, 30_000, slice(blob, 60_000, 90_000));
        BlobInfo stored = replicaB.complete(repo, started.id(), blob.digest(), null, -1);

        // then each replica saw the other's bytes, the digest verified over all of them,
        // and the blob is linked and reads back exactly
        assertThat(seenByB.size()).isEqualTo(30_000);
        assertThat(seenByA.size()).isEqualTo(60_000);
        assertThat(stored).isEqualTo(new BlobInfo(blob.digest(), blob.size()));
        assertThat(blobs.linkedSize(repo, blob.digest())).contains(blob.size());
        assertThat(readBlob(blob.digest(), 0)).isEqualTo(blob.bytes());
        assertThat(uploadSessionRows(started.id())).isZero();
    }

    @Test
    void expiring_idle_sessions_removes_the_sessions_and_their_bytes() throws Exception {
        // given two open sessions, one holding bytes
        RepositoryName repo = newRepository("expiry");
        UploadStatus withBytes = uploads.start(repo, "tester");
        uploads.append(repo, withBytes.id(), 0L, 1_000, slice(randomBlob(1_000), 0, 1_000));
        UploadStatus empty = uploads.start(repo, "tester");
        String storageUploadId = jdbc.queryForObject("SELECT storage_upload_id FROM upload_session WHERE id = ?",
                String.class, withBytes.id());
        // and a timeout of an hour does not touch them
        assertThat(uploads.expireIdle(Duration.ofHours(1))).isZero();
        assertThat(uploads.status(repo, withBytes.id()).size()).isEqualTo(1_000);
        Thread.sleep(5); // let the clock move past the last update

        // when sessions idle for any time at all are expired
        int expired = uploads.expireIdle(Duration.ZERO);

        // then both sessions are gone from the database and from the service, and so are the bytes
        assertThat(expired).isGreaterThanOrEqualTo(2);
        for (UploadStatus session : new UploadStatus[] {withBytes, empty}) {
            assertThat(uploadSessionRows(session.id())).isZero();
            assertThatThrownBy(() -> uploads.status(repo, session.id()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
        }
        assertThatThrownBy(() -> store.resumeUpload(storageUploadId)).isInstanceOf(UploadNotFoundException.class);
    }

    @Test
    void a_chunk_keeps_a_session_alive_and_one_right_after_its_start_does_not_write_the_session_again() throws Exception {
        // given a session started just now and one whose last activity was two hours ago
        RepositoryName repo = newRepository("touch");
        UploadStatus fresh = uploads.start(repo, "tester");
        UploadStatus old = uploads.start(repo, "tester");
        Timestamp twoHoursAgo = Timestamp.from(Instant.now().minus(Duration.ofHours(2)));
        jdbc.update("UPDATE upload_session SET updated_at = ? WHERE id = ?", twoHoursAgo, old.id());
        Timestamp freshStart = jdbc.queryForObject("SELECT updated_at FROM upload_session WHERE id = ?", Timestamp.class,
                fresh.id());

        // when a chunk is appended to each
        uploads.append(repo, fresh.id(), 0L, 1_000, slice(randomBlob(1_000), 0, 1_000));
        uploads.append(repo, old.id(), 0L, 1_000, slice(randomBlob(1_000), 0, 1_000));

        // then the old session's activity moved to now, so an hour's timeout keeps it
        Timestamp touched = jdbc.queryForObject("SELECT updated_at FROM upload_session WHERE id = ?", Timestamp.class,
                old.id());
        assertThat(touched.toInstant()).isAfter(Instant.now().minus(Duration.ofMinutes(1)));
        assertThat(uploads.expireIdle(Duration.ofHours(1))).isZero();
        assertThat(uploads.status(repo, old.id()).size()).isEqualTo(1_000);
        // and the fresh one kept its start as its last activity (no transaction for a chunk within a second of it)
        assertThat(jdbc.queryForObject("SELECT updated_at FROM upload_session WHERE id = ?", Timestamp.class, fresh.id()))
                .isEqualTo(freshStart);
    }

    private static ByteArrayInputStream slice(Blob blob, int from, int to) {
        return new ByteArrayInputStream(Arrays.copyOfRange(blob.bytes(), from, to));
    }
}
