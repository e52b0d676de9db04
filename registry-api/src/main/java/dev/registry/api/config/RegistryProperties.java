package dev.registry.api.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * User-facing settings under {@code registry.*}; each is also an environment variable the Spring
 * way ({@code registry.storage.filesystem.root} is {@code REGISTRY_STORAGE_FILESYSTEM_ROOT}).
 * Documented in README.md, "Configuration".
 */
@ConfigurationProperties("registry")
public record RegistryProperties(@DefaultValue Storage storage, @DefaultValue Uploads uploads, @DefaultValue Http http) {

    /**
     * @param sendfile serve filesystem blobs with the kernel's zero-copy sendfile instead of a
     *                 copy loop through a 256 KiB buffer (see docs/benchmarks.md for when each wins)
     */
    public record Http(@DefaultValue("true") boolean sendfile) {
    }

    public enum StorageType { FILESYSTEM }

    /** @param type which {@code BlobStore} holds blob bytes */
    public record Storage(@DefaultValue("filesystem") StorageType type, @DefaultValue Filesystem filesystem) {
    }

    /** @param root folder of blob bytes and open uploads */
    public record Filesystem(@DefaultValue("./data/blobs") Path root) {
    }

    /**
     * @param sessionTimeout  an upload untouched this long is cancelled and its bytes removed
     * @param cleanupInterval how often expired uploads are looked for
     */
    public record Uploads(@DefaultValue("24h") Duration sessionTimeout, @DefaultValue("10m") Duration cleanupInterval) {
    }
}
