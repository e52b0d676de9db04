package dev.registry.api.config;

import dev.registry.storage.BlobStore;
import dev.registry.storage.filesystem.FilesystemBlobStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the {@link BlobStore} from {@code registry.storage.type}. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    BlobStore blobStore(RegistryProperties properties) {
        return switch (properties.storage().type()) {
            case FILESYSTEM -> new FilesystemBlobStore(properties.storage().filesystem().root());
        };
    }
}
