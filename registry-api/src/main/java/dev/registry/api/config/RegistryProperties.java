package dev.registry.api.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * User-facing settings under {@code registry.*}; each is also an environment variable the Spring
 * way ({@code registry.storage.filesystem.root} is {@code REGISTRY_STORAGE_FILESYSTEM_ROOT}).
 * Documented in README.md, "Configuration".
 */
@ConfigurationProperties("registry")
public record RegistryProperties(@DefaultValue Storage storage, @DefaultValue Uploads uploads, @DefaultValue Http http,
                                 @DefaultValue Admin admin) {

    /**
     * @param password the first start's password for the system admin {@code admin}
     *                 ({@code REGISTRY_ADMIN_PASSWORD}); unset: one is generated and printed once
     */
    public record Admin(String password) {
    }

    /**
     * @param sendfile serve filesystem blobs with the kernel's zero-copy sendfile instead of a
     *                 copy loop through a 256 KiB buffer. Off by default: over loopback on the
     *                 benchmark machine the copy loop moved 1,412 MB/s and sendfile 1,187 MB/s
     *                 (docs/benchmarks.md); on a real network card sendfile saves CPU
     * @param maxActiveRequests how many requests run through Tomcat's container and the application at once, {@code 0}
     *                 for 8 per available core; the others wait before it in arrival order (the gauge
     *                 {@code registry_http_requests_waiting} counts them). A request moving a blob body over 1 MiB (a
     *                 layer GET, an upload's PATCH or PUT) gives its place back before the bytes move, so slow clients
     *                 never keep small requests out; all requests together are bounded by Tomcat's
     *                 {@code server.tomcat.threads.max} (200). On 2 cores 16 took a node storm's p99 from 4.1 s to
     *                 0.8-0.9 s (docs/benchmarks.md, "The storm's tail, again")
     */
    public record Http(@DefaultValue("false") boolean sendfile, @DefaultValue("0") int maxActiveRequests) {
    }

    public enum StorageType { FILESYSTEM, S3 }

    /** @param type which {@code BlobStore} holds blob bytes */
    public record Storage(@DefaultValue("filesystem") StorageType type, @DefaultValue Filesystem filesystem,
                          @DefaultValue S3 s3) {
    }

    /** @param root folder of blob bytes and open uploads */
    public record Filesystem(@DefaultValue("./data/blobs") Path root) {
    }

    /**
     * The S3 store ({@code type: s3}); see {@code S3Settings} for what each setting does.
     *
     * @param bucket           the bucket (must exist)
     * @param prefix           key prefix inside the bucket; empty for the bucket root
     * @param region           signing region
     * @param endpoint         endpoint of an S3-compatible store (MinIO, Ceph, …); unset for AWS
     * @param pathStyle        path-style addressing ({@code host/bucket/key}), as most S3-compatible stores need
     * @param accessKey        static access key; unset to use the AWS SDK's default credentials chain
     * @param secretKey        static secret key, with {@code accessKey}
     * @param redirect         blob GETs answer 307 to a presigned S3 URL, so bytes bypass the registry
     * @param redirectLifetime how long a presigned URL stays valid (at most 7 days)
     * @param sse              server-side encryption of every object written: {@code AES256} or {@code aws:kms}
     * @param kmsKeyId         KMS key for {@code aws:kms}; unset for the account's default key
     * @param storageClass     storage class of verified blobs (e.g. {@code STANDARD_IA}); unset for the default
     * @param partSize         multipart part size (at least 5MB): one upload request holds at most this and 5MB (all uploads together at most a third of the heap limit, then they wait);
     *                         10,000 parts bound the largest blob
     */
    public record S3(String bucket, @DefaultValue("") String prefix, @DefaultValue("us-east-1") String region,
                     URI endpoint, @DefaultValue("false") boolean pathStyle, String accessKey, String secretKey,
                     @DefaultValue("false") boolean redirect, @DefaultValue("20m") Duration redirectLifetime,
                     String sse, String kmsKeyId, String storageClass, @DefaultValue("8MB") DataSize partSize) {

        public S3 {
            if (redirectLifetime.isNegative() || redirectLifetime.isZero() || redirectLifetime.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("registry.storage.s3.redirect-lifetime must be between 1s and 7d (a presigned URL's limit)");
            }
        }
    }

    /**
     * @param sessionTimeout  an upload untouched this long is cancelled and its bytes removed
     * @param cleanupInterval how often expired uploads are looked for
     */
    public record Uploads(@DefaultValue("24h") Duration sessionTimeout, @DefaultValue("10m") Duration cleanupInterval) {
    }
}
