package dev.registry.storage.filesystem;

import dev.registry.storage.BlobStore;
import dev.registry.storage.BlobStoreContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FilesystemBlobStoreTest extends BlobStoreContractTest {

    @TempDir
    Path root;

    @Override
    protected BlobStore createStore() {
        return new FilesystemBlobStore(root);
    }

    @Override
    protected BlobStore secondHandleOnSameStorage() {
        return new FilesystemBlobStore(root);
    }
}
