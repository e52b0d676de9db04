package dev.registry.core;

import dev.registry.storage.filesystem.FilesystemBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * registry-core on its own, for tests: every service, repository and migration of
 * {@code dev.registry.core} (found by the scan below this package), and the one bean the
 * application module would add, a {@link FilesystemBlobStore}, here over a temporary directory that
 * is deleted when the context closes. The database comes from the test's properties
 * ({@link OnH2} or {@link OnPostgres}); the rest mirrors registry-api's application.properties
 * (src/test/resources/application.yaml).
 */
@SpringBootApplication
public class CoreTestApplication {

    @Bean
    BlobRoot blobRoot() throws IOException {
        return new BlobRoot(Files.createTempDirectory("registry-core-test-blobs-"));
    }

    @Bean
    FilesystemBlobStore blobStore(BlobRoot root) {
        return new FilesystemBlobStore(root.path());
    }

    /** The blob store's directory; removed with everything in it when the context closes. */
    record BlobRoot(Path path) implements DisposableBean {
        @Override
        public void destroy() throws IOException {
            if (!Files.exists(path)) {
                return;
            }
            try (Stream<Path> files = Files.walk(path)) {
                for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
