package dev.registry.storage.s3;

import dev.registry.storage.BlobInfo;
import dev.registry.storage.BlobUpload;
import dev.registry.storage.Digest;
import dev.registry.storage.DigestMismatchException;
import dev.registry.storage.SizeMismatchException;
import dev.registry.storage.StorageException;
import dev.registry.storage.UploadBusyException;
import dev.registry.storage.UploadNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One upload over an S3 multipart upload, or a single object while it is small; see
 * {@link BlobUpload} for the contract.
 *
 * <p><b>Append</b>: the previous tail and then the client's bytes fill a {@link PartBuffer}; a part
 * is sent (in the background, {@link PartSender}) once a part and 5 MiB more are buffered, so when the client's stream ends the rest (at
 * least 5 MiB after a part) is the append's last part. What is left without a part is the new tail
 * object: the whole blob when the upload's first append holds less than a part and 5 MiB (no
 * multipart upload at all, the case of most blobs), else what is under 5 MiB. Then the state
 * object is rewritten; that single PUT is the moment the append takes effect. If anything fails
 * before it, the state still lists the old parts and tail, so the upload is exactly as before (parts
 * uploaded in vain are overwritten by the next append; a new tail object is deleted). The state
 * read when the request resumed the upload is the one the append starts from (see
 * {@link UploadArea#current}).
 *
 * <p><b>Commit</b>: the digest is checked first when it is known without re-reading (see
 * {@link UploadHashes}); a tail after parts becomes the last part (server-side copy), the multipart
 * upload is completed into {@code uploads/<id>/data}, unknown digests are verified by reading that
 * object (or the single tail object) back, and only then is it copied server-side to
 * {@code blobs/…}, pinned by ETag, so exactly the verified bytes become visible. A mismatch
 * discards the upload; nothing is published.
 *
 * <p><b>Concurrency</b>: two requests of one process on one upload: the second is refused
 * ({@link UploadBusyException}). Two processes appending to one upload at once (a client breaking the
 * protocol) may lose one append or break the upload, but never publish unverified bytes: S3 refuses
 * to complete with a part whose ETag differs from the state's, and tails are read and copied only
 * with {@code If-Match}.
 */
final class S3BlobUpload implements BlobUpload {

    private static final int MAX_PARTS = 10_000;

    private final String id;
    private final UploadArea area;
    private UploadState state;

    S3BlobUpload(String id, UploadArea area, UploadState state) {
        this.id = id;
        this.area = area;
        this.state = state;
    }

    @Override
    public String id() {
        return id;
    }

    /** The size as of this handle's last read or write of the state. */
    @Override
    public long size() {
        return state.size();
    }

    /** Whether this process's in-memory digest covers the state this handle last saw (for tests). */
    boolean digestKnownHere() {
        return area.hashes.sha256(id, state).isPresent();
    }

    @Override
    public long append(InputStream in, long expectedLength) throws IOException {
        try (UploadArea.Claim ignored = area.claim(id)) {
            UploadState before = area.current(id, state);
            state = before;
            UploadHashes.Running hash = area.hashes.forAppend(id, before);
            UploadState after = new Append(before, hash).run(in, expectedLength);
            if (after != before) {
                area.hashes.appended(id, after, hash);
                state = after;
                if (before.tail() != null) {
                    area.deleteQuietly(area.layout.tail(id, before.tail().token()));
                }
            }
            return after.size() - before.size();
        } catch (S3Objects.Missing e) {
            throw new UploadNotFoundException(id);
        } catch (S3Objects.Changed e) {
            throw new UploadBusyException(id);
        }
    }

    @Override
    public BlobInfo commit(Digest expected) throws IOException {
        try (UploadArea.Claim ignored = area.claim(id)) {
            state = area.current(id, state);
            return new UploadCommit(id, area, state).run(expected);
        } catch (S3Objects.Missing e) {
            throw new UploadNotFoundException(id);
        } catch (S3Objects.Changed e) {
            throw new UploadBusyException(id);
        }
    }

    @Override
    public void cancel() {
        area.discard(id, area.find(id).orElse(null));
    }

    /** One append: fills parts, writes the tail, then the state. */
    private final class Append {
        private final UploadState before;
        private final UploadHashes.Running hash;
        private final String token = UploadArea.newToken();
        private final List<UploadState.Part> parts;
        private final PartSender sender;
        private String multipart;
        private boolean createdMultipart;
        private String newTail;
        private boolean saving;

        Append(UploadState before, UploadHashes.Running hash) {
            this.before = before;
            this.hash = hash;
            this.parts = new ArrayList<>(before.parts());
            this.sender = new PartSender(area, parts);
            this.multipart = before.multipart();
        }

        UploadState run(InputStream in, long expectedLength) throws IOException {
            UploadState.Tail tail = before.tail();
            try (UploadMemory.Lease lease = area.memory.lease()) {
                PartBuffer buffer = new PartBuffer(area.partSize,
                        expectedLength < 0 ? -1 : expectedLength + (tail == null ? 0 : tail.size()), lease);
                return run(in, expectedLength, tail, buffer);
            }
        }

        private UploadState run(InputStream in, long expectedLength, UploadState.Tail tail, PartBuffer buffer)
                throws IOException {
            try {
                if (tail != null) {
                    try (InputStream old = area.objects.get(area.layout.tail(id, tail.token()), 0, tail.etag())) {
                        buffer.load(old, (int) tail.size());
                    }
                }
                long received = 0;
                do {
                    received += buffer.fill(in, hash);
                    if (expectedLength >= 0 && received > expectedLength) {
                        throw new SizeMismatchException(expectedLength, received);
                    }
                    if (buffer.full()) {
                        uploadPart(buffer.bytes(), buffer.partSize(), true);
                        buffer.dropPart();
                    }
                } while (!buffer.ended());
                if (expectedLength >= 0 && received != expectedLength) {
                    throw new SizeMismatchException(expectedLength, received);
                }
                sender.await();
                if (received == 0) {
                    return before;
                }
                UploadState.Tail newTailState = null;
                if (buffer.length() >= S3Settings.MIN_PART_SIZE && (multipart != null || before.size() > 0)) {
                    uploadPart(buffer.bytes(), buffer.length(), false);
                } else if (buffer.length() > 0) {
                    newTail = area.layout.tail(id, token);
                    String etag = area.objects.put(newTail, buffer.bytes(), buffer.length(), false);
                    newTailState = new UploadState.Tail(token, etag, buffer.length());
                }
                UploadState after = new UploadState(before.size() + received, token, multipart, parts, newTailState);
                saving = true;
                area.save(id, after);
                return after;
            } catch (IOException | RuntimeException e) {
                sender.close();
                rollBack();
                throw e;
            } finally {
                sender.close();
            }
        }

        /** Sends a part ({@code background}: while the next bytes are read, see {@link PartSender}). */
        private void uploadPart(byte[] bytes, int length, boolean background) throws IOException {
            if (sender.nextNumber() > MAX_PARTS) {
                throw new StorageException("upload " + id + " exceeds " + MAX_PARTS + " parts of " + area.partSize
                        + " bytes; raise the S3 part size");
            }
            if (multipart == null) {
                multipart = area.objects.createMultipart(area.layout.data(id), false);
                createdMultipart = true;
            }
            String key = area.layout.data(id);
            String upload = multipart;
            sender.send((number, part, size) -> area.objects.uploadPart(key, upload, number, part, size), bytes, length,
                    background);
        }

        /** Removes what only this attempt wrote; once the state PUT was tried, its outcome is unknown: keep all. */
        private void rollBack() {
            if (saving) {
                return;
            }
            if (newTail != null) {
                area.deleteQuietly(newTail);
            }
            if (createdMultipart) {
                area.abortQuietly(area.layout.data(id), multipart);
            }
        }
    }
}
