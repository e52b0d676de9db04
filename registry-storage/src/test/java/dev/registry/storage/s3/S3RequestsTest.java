package dev.registry.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.storage.BlobUpload;
import dev.registry.storage.Digest;
import dev.registry.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The S3 requests one blob costs when a client pushes it the way skopeo, docker, containerd and
 * Jib do (POST, one streamed PATCH, PUT {@code ?digest=}), each request through
 * {@code resumeUpload} like UploadService. Every request is a round trip to S3 (and on S3Proxy
 * each byte written is hashed and written to disk again), so these lists are the push's cost.
 * With the tests' 5 MiB parts, a single append keeps up to 10 MiB in one object.
 */
class S3RequestsTest extends S3TestBase {

    /** Names the S3 operations a store's client executes (retries not counted). */
    static final class RequestLog implements ExecutionInterceptor {
        private final List<String> names = new ArrayList<>();

        @Override
        public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            names.add(context.request().getClass().getSimpleName().replace("Request", ""));
        }

        synchronized List<String> take() {
            List<String> taken = List.copyOf(names);
            names.clear();
            return taken;
        }
    }

    private final RequestLog log = new RequestLog();
    private final S3BlobStore counted = countedStore(log);

    private static S3BlobStore countedStore(ExecutionInterceptor interceptor) {
        S3BlobStore store = new S3BlobStore(s3.settings(BUCKET).withPrefix(PREFIX), S3BlobStore.MAX_SINGLE_COPY,
                List.of(interceptor));
        OPENED.add(store);
        return store;
    }

    @Test
    void aSmallBlobCostsOneStateWriteOnePutOneCopyAndOneBatchedDelete() throws IOException {
        assertPushedAsSingleObject(bytes(459, 1));
    }

    @Test
    void aBlobOfOnePartAndAFewBytesIsStillOneObjectWithoutAMultipartUpload() throws IOException {
        assertPushedAsSingleObject(bytes(8 * MIB + 1549, 2));
    }

    @Test
    void aLargeBlobIsSentInPartsWhoseLastTakesTheRemainderSoNoTailObjectIsWrittenOrCopied() throws IOException {
        byte[] content = bytes(23 * MIB + 5, 3);

        String id = counted.startUpload().id();
        assertThat(log.take()).containsExactly("PutObject");
        counted.resumeUpload(id).append(new ByteArrayInputStream(content), -1);
        assertThat(log.take()).containsExactly("GetObject", "CreateMultipartUpload", "UploadPart", "UploadPart",
                "UploadPart", "UploadPart", "PutObject");
        assertThat(bucket.state(id).orElseThrow().parts()).extracting(UploadState.Part::size)
                .containsExactly(5L * MIB, 5L * MIB, 5L * MIB, 8L * MIB + 5);
        counted.resumeUpload(id).commit(Digest.sha256(content));
        assertThat(log.take()).containsExactly("GetObject", "CompleteMultipartUpload", "CopyObject", "DeleteObjects");

        assertThat(read(store, Digest.sha256(content))).isEqualTo(content);
        assertThat(counted.readBacks()).isZero();
    }

    @Test
    void aHandleResumedBeforeAnotherRequestOfThisProcessAppendedContinuesAfterThoseBytes() throws IOException {
        byte[] content = bytes(2 * MIB, 4);
        String id = counted.startUpload().id();
        BlobUpload early = counted.resumeUpload(id);
        counted.resumeUpload(id).append(new ByteArrayInputStream(content, 0, MIB), MIB);

        early.append(new ByteArrayInputStream(content, MIB, MIB), MIB);

        assertThat(early.size()).isEqualTo(2L * MIB);
        assertThat(counted.resumeUpload(id).commit(Digest.sha256(content)).size()).isEqualTo(content.length);
        assertThat(counted.readBacks()).isZero();
        assertThat(read(store, Digest.sha256(content))).isEqualTo(content);
    }

    @Test
    void aPartThatFailsWhileTheNextBytesArriveRollsTheWholeAppendBack() throws IOException {
        byte[] content = bytes(23 * MIB + 5, 5);
        S3BlobStore failing = countedStore(new ExecutionInterceptor() {
            private int parts;

            @Override
            public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof UploadPartRequest && ++parts == 2) {
                    throw SdkClientException.create("the second part fails");
                }
            }
        });
        String id = failing.startUpload().id();

        assertThatThrownBy(() -> failing.resumeUpload(id).append(new ByteArrayInputStream(content), -1))
                .isInstanceOf(StorageException.class);

        assertThat(bucket.state(id).orElseThrow().size()).isZero();
        assertThat(bucket.multipartUploads()).as("the append's multipart upload was aborted").isEmpty();
        failing.resumeUpload(id).append(new ByteArrayInputStream(content), content.length);
        assertThat(failing.resumeUpload(id).commit(Digest.sha256(content)).size()).isEqualTo(content.length);
        assertThat(read(store, Digest.sha256(content))).isEqualTo(content);
    }

    private void assertPushedAsSingleObject(byte[] content) throws IOException {
        String id = counted.startUpload().id();
        assertThat(log.take()).as("POST").containsExactly("PutObject");

        counted.resumeUpload(id).append(new ByteArrayInputStream(content), -1);
        assertThat(log.take()).as("PATCH: state read, bytes, state").containsExactly("GetObject", "PutObject",
                "PutObject");

        counted.resumeUpload(id).commit(Digest.sha256(content));
        assertThat(log.take()).as("PUT: state read, copy to blobs/, delete state and bytes")
                .containsExactly("GetObject", "CopyObject", "DeleteObjects");

        assertThat(read(store, Digest.sha256(content))).isEqualTo(content);
        assertThat(counted.readBacks()).isZero();
        assertThat(bucket.multipartUploads()).isEmpty();
    }
}
