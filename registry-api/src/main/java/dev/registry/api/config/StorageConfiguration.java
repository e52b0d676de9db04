package dev.registry.api.config;

import dev.registry.api.metrics.MeteredBlobStore;
import dev.registry.storage.BlobStore;
import dev.registry.storage.filesystem.FilesystemBlobStore;
import dev.registry.storage.s3.S3BlobStore;
import dev.registry.storage.s3.S3Settings;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the {@link BlobStore} from {@code registry.storage.type}. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    /** An S3 store is closed (its HTTP connections released) with the context. */
    @Bean
    BlobStore blobStore(RegistryProperties properties, MeterRegistry meters) {
        RegistryProperties.Storage storage = properties.storage();
        BlobStore store = switch (storage.type()) {
            case FILESYSTEM -> new FilesystemBlobStore(storage.filesystem().root());
            case S3 -> S3BlobStore.create(s3Settings(storage.s3()));
        };
        return new MeteredBlobStore(store, meters);
    }

    static S3Settings s3Settings(RegistryProperties.S3 s3) {
        return new S3Settings(s3.bucket(), s3.prefix(), s3.region(), s3.endpoint(), s3.pathStyle(), s3.accessKey(),
                s3.secretKey(), s3.redirect(), s3.sse(), s3.kmsKeyId(), s3.storageClass(), s3.partSize().toBytes());
    }
}
