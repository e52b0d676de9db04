package dev.registry.storage.s3;

import dev.registry.storage.RecentUploads;
import dev.registry.storage.StorageException;
import dev.registry.storage.UploadBusyException;
import dev.registry.storage.UploadNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code uploads/} area: reading and writing state objects, discarding uploads, purging stale
 * ones, and marking uploads busy in this process.
 *
 * <p>An upload exists exactly while its state object exists: deleting it first is what makes an
 * upload unknown to every process, whatever is left to clean up afterwards. Leftovers of a process
 * that died half-way (objects without a state, multipart uploads no state refers to) are removed by
 * {@link #purgeOlderThan}.
 */
final class UploadArea {

    private static final Logger log = LoggerFactory.getLogger(UploadArea.class);

    /** Held while one request of this process writes an upload; see {@link #claim}. */
    interface Claim extends AutoCloseable {
        @Override
        void close();
    }

    final S3Layout layout;
    final S3Objects objects;
    final UploadHashes hashes = new UploadHashes();
    final int partSize;
    /** What appends' buffers and the parts in flight in the background may hold, process-wide. */
    final UploadMemory memory;
    final ExecutorService partSenders = Executors.newVirtualThreadPerTaskExecutor();
    /** Commits that verified by reading the bytes back; observable so tests can tell the fast path. */
    final AtomicLong readBacks = new AtomicLong();
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** Matches no state's token. */
    private static final String UNSURE = "";
    /** The token of the state this process last wrote per upload; see {@link #current}. */
    private final RecentUploads<String> written = new RecentUploads<>(UploadHashes.LIMIT);

    UploadArea(S3Layout layout, S3Objects objects, long partSize, UploadMemory memory) {
        this.layout = layout;
        this.objects = objects;
        this.partSize = Math.toIntExact(partSize);
        this.memory = memory;
    }

    /** Stops the background part senders (after the parts in flight were sent). */
    void close() {
        partSenders.close();
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** A fresh token for the state an append writes (also names its tail object). */
    static String newToken() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * Marks the upload busy for one append or commit in this process; a second one at the same time
     * is refused. Requests of two processes are not serialised: see {@link S3BlobUpload}.
     */
    Claim claim(String id) {
        if (!busy.add(id)) {
            throw new UploadBusyException(id);
        }
        return () -> busy.remove(id);
    }

    Optional<UploadState> find(String id) {
        if (!S3Layout.isUploadId(id)) {
            return Optional.empty();
        }
        try (InputStream in = objects.get(layout.state(id), 0, null)) {
            return Optional.of(UploadState.decode(id, in.readAllBytes()));
        } catch (S3Objects.Missing gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot read the state of upload " + id, e);
        }
    }

    UploadState load(String id) {
        return find(id).orElseThrow(() -> new UploadNotFoundException(id));
    }

    /**
     * The state an append or commit under {@link #claim} starts from: {@code seen}, read when the
     * request resumed the upload moments before, unless this process has written another state
     * of the upload since (a request of this process that ran in between); then the state is read
     * again. So a request reads the state once. A write by another process in between is not
     * noticed, as it was not between a read under the claim and the write before: two processes
     * appending to one upload at once may lose an append, but never publish unverified bytes
     * (see {@link S3BlobUpload}).
     */
    UploadState current(String id, UploadState seen) {
        String mine = written.get(id);
        return mine == null || mine.equals(seen.token()) ? seen : load(id);
    }

    /** Writes the state object: the moment an append takes effect for every process. */
    void save(String id, UploadState state) {
        byte[] bytes = state.encode();
        written.put(id, UNSURE); // should the write fail, its outcome is unknown: read the state again
        objects.put(layout.state(id), bytes, bytes.length, false);
        written.put(id, state.token());
    }

    /**
     * Removes an upload and everything it wrote, including parts of appends that died half-way.
     * Idempotent; {@code known} is its last state, or null.
     */
    void discard(String id, UploadState known) {
        hashes.forget(id);
        written.remove(id);
        objects.delete(layout.state(id));
        if (known != null && known.multipart() != null) {
            objects.abort(layout.data(id), known.multipart());
        }
        objects.listMultipart(layout.upload(id), upload -> objects.abort(upload.key(), upload.uploadId()));
        objects.deleteAll(layout.upload(id));
    }

    /**
     * After a commit published the blob: removes the objects the final state names, in one request.
     * Should that fail, the state alone is deleted (ending the upload for every process) and the
     * rest is left to {@link #purgeOlderThan}.
     */
    void finish(String id, UploadState state) {
        hashes.forget(id);
        written.remove(id);
        List<String> keys = new ArrayList<>(List.of(layout.state(id)));
        if (state.tail() != null) {
            keys.add(layout.tail(id, state.tail().token()));
        }
        if (state.multipart() != null) {
            keys.add(layout.data(id));
        }
        if (keys.size() == 1) {
            objects.delete(layout.state(id));
            return;
        }
        try {
            objects.deleteKeys(keys);
        } catch (StorageException e) {
            log.debug("could not delete the objects of upload {} at once; the upload clean-up will", id, e);
            objects.delete(layout.state(id));
        }
    }

    /** Best effort: what fails here is left for {@link #purgeOlderThan}. */
    void deleteQuietly(String key) {
        try {
            objects.delete(key);
        } catch (StorageException e) {
            log.debug("could not delete {}; the upload clean-up will", key, e);
        }
    }

    /** Best effort, like {@link #deleteQuietly}, for the multipart upload of an upload's data. */
    void abortQuietly(String key, String multipart) {
        try {
            objects.abort(key, multipart);
        } catch (StorageException e) {
            log.debug("could not abort multipart upload of {}; the upload clean-up will", key, e);
        }
    }

    /**
     * Discards uploads none of whose objects changed since {@code cutoff}, then aborts multipart
     * uploads initiated before it that no live upload refers to.
     *
     * @return how many uploads were discarded
     */
    int purgeOlderThan(Instant cutoff) {
        Map<String, Instant> touched = new HashMap<>();
        objects.list(layout.uploadsPrefix(), object -> layout.uploadIdOf(object.key())
                .ifPresent(id -> touched.merge(id, object.lastModified(), (a, b) -> a.isAfter(b) ? a : b)));
        int removed = 0;
        for (Map.Entry<String, Instant> upload : touched.entrySet()) {
            if (upload.getValue().isBefore(cutoff)) {
                discard(upload.getKey(), find(upload.getKey()).orElse(null));
                removed++;
            }
        }
        objects.listMultipart(layout.root(), upload -> {
            boolean ours = upload.key().startsWith(layout.uploadsPrefix()) || upload.key().startsWith(layout.blobsPrefix());
            if (ours && upload.initiated().isBefore(cutoff) && !isLive(upload.key(), upload.uploadId(), touched)) {
                objects.abort(upload.key(), upload.uploadId());
            }
        });
        return removed;
    }

    /** The multipart upload is the one a live upload's state refers to. */
    private boolean isLive(String key, String multipartId, Map<String, Instant> touched) {
        return layout.uploadIdOf(key).filter(touched::containsKey)
                .flatMap(this::find)
                .map(state -> multipartId.equals(state.multipart()))
                .orElse(false);
    }
}
