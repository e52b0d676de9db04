package dev.registry.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Looks into a store's bucket from outside, for the tests' "nothing left behind" checks. */
final class S3Leftovers {

    private final S3Client s3;
    private final String bucket;
    private final S3Layout layout;

    S3Leftovers(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.layout = new S3Layout(new S3Settings(bucket, prefix, null, null, false, null, null, false, null, null,
                null, S3Settings.MIN_PART_SIZE).prefix());
    }

    List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key)
                .forEach(keys::add);
        return keys;
    }

    List<String> blobKeys() {
        return keys(layout.blobsPrefix());
    }

    List<String> uploadKeys() {
        return keys(layout.uploadsPrefix());
    }

    List<MultipartUpload> multipartUploads() {
        return s3.listMultipartUploadsPaginator(r -> r.bucket(bucket)).uploads().stream().toList();
    }

    /** The saved state of an upload, read as another process would. */
    Optional<UploadState> state(String id) {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(r -> r.bucket(bucket).key(layout.state(id)));
            return Optional.of(UploadState.decode(id, bytes.asByteArray()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /**
     * Only open uploads have objects in the upload area: every object there belongs to an upload
     * whose state exists and names it, and every multipart upload is the one such a state names. So
     * commits, cancels and failed appends cleaned up after themselves.
     */
    void assertOnlyOpenUploadsRemain() {
        for (String key : uploadKeys()) {
            String id = layout.uploadIdOf(key).orElseThrow(() -> new AssertionError("stray object " + key));
            UploadState state = state(id).orElseThrow(() -> new AssertionError(key + " belongs to no open upload"));
            boolean named = key.equals(layout.state(id))
                    || state.tail() != null && key.equals(layout.tail(id, state.tail().token()));
            assertThat(named).as("%s is named by the state of upload %s", key, id).isTrue();
        }
        for (MultipartUpload upload : multipartUploads()) {
            String id = layout.uploadIdOf(upload.key())
                    .orElseThrow(() -> new AssertionError("stray multipart upload " + upload.key()));
            assertThat(state(id).map(UploadState::multipart)).as("multipart upload of " + upload.key())
                    .contains(upload.uploadId());
        }
    }

    void assertEmpty() {
        assertThat(keys("")).as("objects in bucket " + bucket).isEmpty();
        assertThat(multipartUploads()).as("multipart uploads in bucket " + bucket).isEmpty();
    }
}
