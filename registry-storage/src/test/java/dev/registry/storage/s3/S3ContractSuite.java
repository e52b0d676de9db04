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
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The contract suite for {@link S3BlobStore} on some S3 server, with 5 MiB parts so the multi-MiB
 * cases cross part boundaries. After every test: commits, cancels and rolled-back appends left
 * nothing in the upload area, and once blobs are deleted and uploads purged the bucket is empty.
 */
abstract class S3ContractSuite extends BlobStoreContractTest {

    private static final List<S3BlobStore> OPENED = new ArrayList<>();

    /** Settings for a store on an empty bucket of the server. */
    protected abstract S3Settings settings();

    /** A client for looking into that bucket. */
    protected abstract S3Client admin();

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
        S3BlobStore store = S3BlobStore.create(settings().withPartSize(S3Settings.MIN_PART_SIZE));
        OPENED.add(store);
        return store;
    }

    @AfterEach
    void leavesNothingBehind() throws IOException {
        S3Leftovers bucket = new S3Leftovers(admin(), settings().bucket(), settings().prefix());
        bucket.assertOnlyOpenUploadsRemain();
        List<BlobInfo> blobs = new ArrayList<>();
        store.walk(blobs::add);
        for (BlobInfo blob : blobs) {
            store.delete(blob.digest());
        }
        store.purgeUploadsOlderThan(Instant.now().plusSeconds(60));
        bucket.assertEmpty();
    }

    @AfterAll
    static void closeStores() {
        OPENED.forEach(S3BlobStore::close);
        OPENED.clear();
    }
}
