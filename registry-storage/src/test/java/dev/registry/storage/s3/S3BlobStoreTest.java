package dev.registry.storage.s3;

import dev.registry.storage.BlobInfo;
import dev.registry.storage.BlobStore;
import dev.registry.storage.BlobStoreContractTest;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite against an in-process S3 server (S3Proxy), one server per class, with 5 MiB
 * parts so the multi-MiB cases cross part boundaries. After every test: commits, cancels and
 * rolled-back appends left nothing in the upload area, and once blobs are deleted and uploads
 * purged the bucket is empty.
 */
class S3BlobStoreTest extends BlobStoreContractTest {

    private static InProcessS3 s3;
    private static final String BUCKET = "contract";

    private static final List<S3BlobStore> OPENED = new ArrayList<>();

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

    @Override
    protected BlobStore createStore() {
        return open();
    }

    /** Another store instance: its own SDK clients and its own in-memory hashes, like another replica. */
    @Override
    protected BlobStore secondHandleOnSameStorage() {
        return open();
    }

    private S3BlobStore open() {
        S3BlobStore store = S3BlobStore.create(s3.settings(BUCKET));
        OPENED.add(store);
        return store;
    }

    @AfterEach
    void leavesNothingBehind() throws IOException {
        S3Leftovers bucket = new S3Leftovers(s3.admin(), BUCKET, "");
        bucket.assertOnlyOpenUploadsRemain();
        List<BlobInfo> blobs = new ArrayList<>();
        store.walk(blobs::add);
        for (BlobInfo blob : blobs) {
            store.delete(blob.digest());
        }
        store.purgeUploadsOlderThan(Instant.now().plusSeconds(60));
        bucket.assertEmpty();
    }
}
