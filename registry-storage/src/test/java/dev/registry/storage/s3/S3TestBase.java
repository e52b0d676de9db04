package dev.registry.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * An in-process S3 server per test class and a store on it under a key prefix. After every test:
 * only open uploads have objects in the upload area, no key lies outside the prefix, and once
 * blobs are deleted and uploads purged the bucket is empty.
 */
abstract class S3TestBase {

    static final int MIB = 1024 * 1024;
    static final String BUCKET = "uploads";
    static final String PREFIX = "registry/test";

    static InProcessS3 s3;
    static final List<S3BlobStore> OPENED = new ArrayList<>();

    final S3BlobStore store = open();
    final S3Leftovers bucket = new S3Leftovers(s3.admin(), BUCKET, PREFIX);

    @BeforeAll
    static void startS3() throws Exception {
        s3 = InProcessS3.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() throws Exception {
        OPENED.forEach(S3BlobStore::close);
        s3.close();
    }

    /** A store instance of its own, as another replica would have (own clients, own in-memory hashes). */
    static S3BlobStore open() {
        return open(s3.settings(BUCKET).withPrefix(PREFIX), S3BlobStore.MAX_SINGLE_COPY);
    }

    static S3BlobStore open(S3Settings settings, long maxSingleCopy) {
        S3BlobStore store = new S3BlobStore(settings, maxSingleCopy);
        OPENED.add(store);
        return store;
    }

    @AfterEach
    void leavesNothingBehind() {
        bucket.assertOnlyOpenUploadsRemain();
        assertThat(bucket.keys("")).allSatisfy(key -> assertThat(key).startsWith(PREFIX + "/"));
        store.walk(blob -> store.delete(blob.digest()));
        store.purgeUploadsOlderThan(Instant.now().plusSeconds(60));
        bucket.assertEmpty();
    }

    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] read(S3BlobStore store, Digest digest) throws IOException {
        try (InputStream in = store.open(digest, 0)) {
            return in.readAllBytes();
        }
    }
}
