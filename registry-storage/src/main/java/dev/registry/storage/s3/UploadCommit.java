package dev.registry.storage.s3;

import dev.registry.storage.BlobInfo;
import dev.registry.storage.CopyBuffers;
import dev.registry.storage.Digest;
import dev.registry.storage.DigestMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Verifies one upload and publishes it under its content address (see {@link S3BlobUpload}).
 *
 * <p>Order, and why: (1) a digest known without re-reading is compared before anything is
 * assembled, so a wrong digest costs nothing; (2) the bytes are assembled into one object in the
 * upload area: the tail alone, or the multipart upload completed into {@code uploads/<id>/data}
 * with the tail copied in as the last part; (3) an unknown digest is computed by reading that
 * object back; (4) the verified object is copied server-side to {@code blobs/…} with
 * {@code If-Match} on its ETag, so nothing but the verified bytes can appear there; (5) the upload
 * area is cleared. A commit that failed after (2) can be retried: the completed data object is
 * found and used. Two commits of the same content both copy identical bytes to one key.
 */
final class UploadCommit {

    /** The assembled bytes: an object pinned by its ETag, or no object for the empty blob. */
    private record Source(String key, String etag) {
    }

    private final String id;
    private final UploadArea area;
    private final UploadState state;

    UploadCommit(String id, UploadArea area, UploadState state) {
        this.id = id;
        this.area = area;
        this.state = state;
    }

    BlobInfo run(Digest expected) throws IOException {
        Optional<Digest> known = expected.algorithm().equals("sha256")
                ? area.hashes.sha256(id, state) : Optional.empty();
        if (known.isPresent() && !known.get().equals(expected)) {
            throw mismatch(expected, known.get());
        }
        Source source = assemble();
        if (known.isEmpty()) {
            Digest actual = hash(source, expected.algorithm());
            if (!actual.equals(expected)) {
                throw mismatch(expected, actual);
            }
        }
        String target = area.layout.blob(expected);
        if (source.key() == null) {
            area.objects.put(target, new byte[0], 0, true);
        } else {
            area.objects.copy(source.key(), source.etag(), state.size(), target);
        }
        area.finish(id, state);
        return new BlobInfo(expected, state.size());
    }

    private Source assemble() {
        if (state.size() == 0) {
            return new Source(null, null);
        }
        if (state.multipart() == null) {
            return new Source(area.layout.tail(id, state.tail().token()), state.tail().etag());
        }
        String data = area.layout.data(id);
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (UploadState.Part part : state.parts()) {
                parts.add(CompletedPart.builder().partNumber(part.number()).eTag(part.etag()).build());
            }
            if (state.tail() != null) {
                int number = parts.size() + 1;
                String etag = area.objects.copyPart(area.layout.tail(id, state.tail().token()), state.tail().etag(),
                        null, data, state.multipart(), number);
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            return new Source(data, area.objects.complete(data, state.multipart(), parts));
        } catch (S3Objects.Missing e) {
            // an earlier attempt completed the multipart upload and then failed: its data object is this state's bytes
            Optional<HeadObjectResponse> done = area.objects.head(data);
            if (done.isPresent() && done.get().contentLength() == state.size()) {
                return new Source(data, done.get().eTag());
            }
            throw e;
        }
    }

    /** Reads the assembled bytes back (only when no hash of them was kept). */
    private Digest hash(Source source, String algorithm) throws IOException {
        area.readBacks.incrementAndGet();
        MessageDigest md = Digest.newMessageDigest(algorithm);
        if (source.key() != null) {
            byte[] buffer = CopyBuffers.take(-1);
            try (InputStream in = area.objects.get(source.key(), 0, source.etag())) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    md.update(buffer, 0, n);
                }
            } finally {
                CopyBuffers.give(buffer);
            }
        }
        return Digest.fromMessageDigest(algorithm, md);
    }

    private DigestMismatchException mismatch(Digest expected, Digest actual) {
        area.discard(id, state);
        return new DigestMismatchException(expected, actual);
    }
}
