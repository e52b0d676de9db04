package dev.registry.storage.s3;

import dev.registry.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 requests the store makes, each with the store's encryption and storage class, and the one
 * place where SDK exceptions become storage exceptions: a missing object or multipart upload is
 * {@link Missing}, a failed {@code If-Match} (someone replaced the object) is {@link Changed},
 * anything else (network, throttling or 5xx after the SDK's retries, denied access) is a plain
 * {@link StorageException}, which the HTTP layer answers with 503.
 */
final class S3Objects {

    static final String OCTET_STREAM = "application/octet-stream";

    /** The object or multipart upload does not exist (any more). */
    static final class Missing extends StorageException {
        Missing(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A conditional request failed: the object is not the version this process expected. */
    static final class Changed extends StorageException {
        Changed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final S3Client s3;
    private final S3Settings settings;
    private final long maxSingleCopy;

    S3Objects(S3Client s3, S3Settings settings, long maxSingleCopy) {
        this.s3 = s3;
        this.settings = settings;
        this.maxSingleCopy = maxSingleCopy;
    }

    Optional<HeadObjectResponse> head(String key) {
        try {
            return Optional.of(call("HEAD " + key, () -> s3.headObject(r -> r.bucket(bucket()).key(key))));
        } catch (Missing e) {
            return Optional.empty();
        }
    }

    /** Streams an object from {@code offset}; {@code ifMatch} (nullable) pins the expected version. */
    ResponseInputStream<GetObjectResponse> get(String key, long offset, String ifMatch) {
        return call("GET " + key, () -> s3.getObject(r -> r.bucket(bucket()).key(key).ifMatch(ifMatch)
                .range(offset > 0 ? "bytes=" + offset + "-" : null)));
    }

    /** Writes a small object; {@code verified} ones (blobs) get the configured storage class. */
    String put(String key, byte[] bytes, int length, boolean verified) {
        return call("PUT " + key, () -> s3.putObject(r -> r.bucket(bucket()).key(key).contentType(OCTET_STREAM)
                        .serverSideEncryption(settings.sse()).ssekmsKeyId(settings.kmsKeyId())
                        .storageClass(verified ? settings.storageClass() : null),
                body(bytes, length))).eTag();
    }

    /** Deletes an object; deleting a missing object succeeds (S3 semantics). */
    void delete(String key) {
        call("DELETE " + key, () -> s3.deleteObject(r -> r.bucket(bucket()).key(key)));
    }

    /** Deletes many keys, 1,000 to a request (S3's DeleteObjects); keys that do not exist are fine. */
    void deleteKeys(List<String> keys) {
        for (int from = 0; from < keys.size(); from += 1000) {
            List<ObjectIdentifier> chunk = keys.subList(from, Math.min(keys.size(), from + 1000)).stream()
                    .map(key -> ObjectIdentifier.builder().key(key).build()).toList();
            var response = call("DELETE " + chunk.size() + " objects", () -> s3.deleteObjects(r -> r.bucket(bucket())
                    .delete(d -> d.objects(chunk).quiet(true))));
            if (response.hasErrors() && !response.errors().isEmpty()) {
                var first = response.errors().getFirst();
                throw new StorageException("could not delete " + response.errors().size() + " of " + chunk.size()
                        + " objects, e.g. " + first.key() + ": " + first.code() + " " + first.message(), null);
            }
        }
    }

    void list(String prefix, Consumer<S3Object> visitor) {
        call("LIST " + prefix, () -> {
            s3.listObjectsV2Paginator(r -> r.bucket(bucket()).prefix(prefix)).contents().forEach(visitor);
            return null;
        });
    }

    void deleteAll(String prefix) {
        List<String> keys = new ArrayList<>();
        list(prefix, object -> keys.add(object.key()));
        keys.forEach(this::delete);
    }

    /** Starts a multipart upload; {@code verified} ones (copies into blobs/) get the configured storage class. */
    String createMultipart(String key, boolean verified) {
        return call("CREATE MULTIPART " + key, () -> s3.createMultipartUpload(r -> r.bucket(bucket()).key(key)
                .contentType(OCTET_STREAM).serverSideEncryption(settings.sse()).ssekmsKeyId(settings.kmsKeyId())
                .storageClass(verified ? settings.storageClass() : null))).uploadId();
    }

    String uploadPart(String key, String uploadId, int number, byte[] bytes, int length) {
        return call("UPLOAD PART " + number + " of " + key, () -> s3.uploadPart(r -> r.bucket(bucket()).key(key)
                .uploadId(uploadId).partNumber(number).contentLength((long) length), body(bytes, length))).eTag();
    }

    /** Copies (a range of) an object into a part, server-side; {@code range} like {@code bytes=0-99} or null. */
    String copyPart(String source, String sourceEtag, String range, String key, String uploadId, int number) {
        return call("COPY PART " + number + " of " + key, () -> s3.uploadPartCopy(r -> r.sourceBucket(bucket())
                .sourceKey(source).copySourceIfMatch(sourceEtag).copySourceRange(range).destinationBucket(bucket())
                .destinationKey(key).uploadId(uploadId).partNumber(number))).copyPartResult().eTag();
    }

    /** Completes a multipart upload; S3 refuses a part whose ETag is not the one listed. */
    String complete(String key, String uploadId, List<CompletedPart> parts) {
        return call("COMPLETE MULTIPART " + key, () -> s3.completeMultipartUpload(r -> r.bucket(bucket()).key(key)
                .uploadId(uploadId).multipartUpload(m -> m.parts(parts)))).eTag();
    }

    /** Aborts a multipart upload; aborting one that is gone succeeds. */
    void abort(String key, String uploadId) {
        try {
            call("ABORT MULTIPART " + key, () -> s3.abortMultipartUpload(r -> r.bucket(bucket()).key(key)
                    .uploadId(uploadId)));
        } catch (Missing gone) {
            // already completed or aborted
        }
    }

    void listMultipart(String prefix, Consumer<MultipartUpload> visitor) {
        call("LIST MULTIPART " + prefix, () -> {
            s3.listMultipartUploadsPaginator(r -> r.bucket(bucket()).prefix(prefix)).uploads().forEach(visitor);
            return null;
        });
    }

    /**
     * Server-side copy into a verified blob, only while the source still has {@code sourceEtag}: one
     * CopyObject up to {@code maxSingleCopy} (S3 allows 5 GiB), else a multipart copy in ranges of that
     * size. Either way the target appears whole, when the request completes, or not at all.
     */
    void copy(String source, String sourceEtag, long size, String target) {
        if (size <= maxSingleCopy) {
            call("COPY " + source + " to " + target, () -> s3.copyObject(r -> r.sourceBucket(bucket())
                    .sourceKey(source).copySourceIfMatch(sourceEtag).destinationBucket(bucket()).destinationKey(target)
                    .serverSideEncryption(settings.sse()).ssekmsKeyId(settings.kmsKeyId())
                    .storageClass(settings.storageClass())));
            return;
        }
        String uploadId = createMultipart(target, true);
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long start = 0; start < size; start += maxSingleCopy, number++) {
                String range = "bytes=" + start + "-" + (Math.min(size, start + maxSingleCopy) - 1);
                String etag = copyPart(source, sourceEtag, range, target, uploadId, number);
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            complete(target, uploadId, parts);
        } catch (RuntimeException e) {
            abort(target, uploadId);
            throw e;
        }
    }

    void headBucket() {
        call("HEAD bucket " + bucket(), () -> s3.headBucket(r -> r.bucket(bucket())));
    }

    String bucket() {
        return settings.bucket();
    }

    private static RequestBody body(byte[] bytes, int length) {
        // a provider, not fromBytes: no copy of the part, and every retry reads the same bytes again
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length, OCTET_STREAM);
    }

    private static <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(code)) {
                throw new Missing("S3 " + what + ": not found", e);
            }
            if (e.statusCode() == 412 || "InvalidPart".equals(code)) {
                throw new Changed("S3 " + what + ": the object was replaced by another writer", e);
            }
            throw new StorageException("S3 " + what + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new StorageException("S3 " + what + " failed: " + e.getMessage(), e);
        }
    }
}
