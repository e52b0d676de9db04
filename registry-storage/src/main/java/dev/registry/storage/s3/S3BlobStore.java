package dev.registry.storage.s3;

import dev.registry.storage.BlobInfo;
import dev.registry.storage.BlobNotFoundException;
import dev.registry.storage.BlobStore;
import dev.registry.storage.BlobUpload;
import dev.registry.storage.Digest;
import dev.registry.storage.StorageException;
import dev.registry.storage.UploadNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Blobs in an S3 bucket (AWS or any S3-compatible store), through the AWS SDK v2; layout in
 * {@link S3Layout}, uploads in {@link S3BlobUpload}.
 *
 * <p>Every replica may use the same bucket and prefix: an upload's state lives in the bucket (its
 * id is all another process needs to continue it), a blob becomes visible only by a server-side
 * copy of verified bytes, and no request holds more than one part of a blob in memory.
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {

    /** CopyObject's limit; larger blobs are published with a multipart copy. */
    static final long MAX_SINGLE_COPY = 5L * 1024 * 1024 * 1024;

    private final S3Settings settings;
    private final AwsCredentialsProvider credentials;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final S3Layout layout;
    private final S3Objects objects;
    private final UploadArea uploads;

    /** A store with its own SDK clients, built from {@code settings}; {@link #close()} releases them. */
    public static S3BlobStore create(S3Settings settings) {
        return new S3BlobStore(settings, MAX_SINGLE_COPY);
    }

    S3BlobStore(S3Settings settings, long maxSingleCopy) {
        this(settings, maxSingleCopy, List.of());
    }

    S3BlobStore(S3Settings settings, long maxSingleCopy, List<ExecutionInterceptor> interceptors) {
        this(settings, maxSingleCopy, interceptors, UploadMemory.forHeap(PartBuffer.capacity(settings.partSize())));
    }

    S3BlobStore(S3Settings settings, long maxSingleCopy, List<ExecutionInterceptor> interceptors,
                UploadMemory memory) {
        this.settings = settings;
        this.credentials = S3Clients.credentials(settings);
        this.s3 = S3Clients.client(settings, credentials, interceptors);
        this.presigner = S3Clients.presigner(settings, credentials);
        this.layout = new S3Layout(settings.prefix());
        this.objects = new S3Objects(s3, settings, maxSingleCopy);
        this.uploads = new UploadArea(layout, objects, settings.partSize(), memory);
    }

    public S3Settings settings() {
        return settings;
    }

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
        return objects.head(layout.blob(digest)).map(head -> new BlobInfo(digest, head.contentLength()));
    }

    @Override
    public InputStream open(Digest digest, long offset) throws IOException {
        try {
            return new Download(objects.get(layout.blob(digest), offset, null));
        } catch (S3Objects.Missing e) {
            throw new BlobNotFoundException(digest);
        } catch (StorageException e) {
            if (e.getCause() instanceof S3Exception s3e && s3e.statusCode() == 416 && stat(digest).isPresent()) {
                return InputStream.nullInputStream(); // offset at the end of the blob
            }
            throw e;
        }
    }

    /** A presigned GET when {@link S3Settings#redirect()} is on; the client then fetches from S3 directly. */
    @Override
    public Optional<URI> redirectUrl(Digest digest, Duration lifetime) {
        if (!settings.redirect()) {
            return Optional.empty();
        }
        try {
            return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(lifetime)
                    .getObjectRequest(r -> r.bucket(settings.bucket()).key(layout.blob(digest)))).url().toURI());
        } catch (URISyntaxException | SdkException e) {
            throw new StorageException("cannot presign a URL for " + digest, e);
        }
    }

    @Override
    public boolean delete(Digest digest) {
        String key = layout.blob(digest);
        if (objects.head(key).isEmpty()) {
            return false;
        }
        objects.delete(key);
        return true;
    }

    @Override
    public void deleteAll(Collection<Digest> digests) {
        objects.deleteKeys(digests.stream().map(layout::blob).toList());
    }

    @Override
    public void walk(Consumer<BlobInfo> visitor) {
        objects.list(layout.blobsPrefix(), object -> layout.digestOf(object.key())
                .ifPresent(digest -> visitor.accept(new BlobInfo(digest, object.size()))));
    }

    @Override
    public BlobUpload startUpload() {
        String id = UploadArea.newId();
        UploadState state = UploadState.empty(UploadArea.newToken());
        uploads.save(id, state);
        return new S3BlobUpload(id, uploads, state);
    }

    @Override
    public BlobUpload resumeUpload(String uploadId) {
        UploadState state = uploads.find(uploadId).orElseThrow(() -> new UploadNotFoundException(uploadId));
        return new S3BlobUpload(uploadId, uploads, state);
    }

    /** How many commits of this instance verified by reading the assembled bytes back (for tests). */
    long readBacks() {
        return uploads.readBacks.get();
    }

    @Override
    public int purgeUploadsOlderThan(Instant cutoff) {
        return uploads.purgeOlderThan(cutoff);
    }

    /** S3's smallest part; smaller chunks work too (they are gathered in the upload's tail). */
    @Override
    public long minimumChunkSize() {
        return S3Settings.MIN_PART_SIZE;
    }

    @Override
    public String kind() {
        return "s3";
    }

    @Override
    public void checkHealth() {
        objects.headBucket();
    }

    @Override
    public void close() {
        uploads.close();
        presigner.close();
        s3.close();
        if (credentials instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new StorageException("cannot close the S3 credentials provider", e);
            }
        }
    }

    /** Aborts the HTTP connection when closed early, instead of draining the rest of a large blob. */
    private static final class Download extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private boolean ended;

        Download(ResponseInputStream<GetObjectResponse> response) {
            super(response);
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                response.abort();
            }
            super.close();
        }
    }
}
