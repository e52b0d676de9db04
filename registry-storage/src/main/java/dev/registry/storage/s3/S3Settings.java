package dev.registry.storage.s3;

import java.net.URI;

/**
 * Where and how {@link S3BlobStore} keeps blobs.
 *
 * @param bucket       the bucket; must exist
 * @param prefix       key prefix inside the bucket ({@code ""} for the bucket root); slashes at either end are ignored
 * @param region       the signing region ({@code us-east-1} suits most S3-compatible stores)
 * @param endpoint     endpoint override for S3-compatible stores (MinIO, Ceph, …); null for AWS
 * @param pathStyle    {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 * @param accessKey    static access key; null to use the SDK's default credentials chain
 *                     (environment, profile, web identity, container/instance role)
 * @param secretKey    static secret key, with {@code accessKey}
 * @param redirect     blob GETs answer with a presigned URL so bytes bypass the registry
 * @param sse          server-side encryption for every object written ({@code AES256}, {@code aws:kms}); null for
 *                     the bucket's default
 * @param kmsKeyId     KMS key for {@code aws:kms}; null for the account's default key
 * @param storageClass storage class of verified blobs (e.g. {@code STANDARD_IA}); null for the bucket's default.
 *                     Upload staging objects always use the default class (they live for minutes)
 * @param partSize     bytes per multipart part, at least 5 MiB. One append holds at most this and 5 MiB
 *                     more in memory (the last part of an append takes what follows the part before it,
 *                     up to that much), and the process at most four more parts (parts sent in the
 *                     background while the next bytes arrive). An upload can have 10,000 parts, so this
 *                     bounds the largest blob (8 MiB → 78 GiB)
 */
public record S3Settings(String bucket, String prefix, String region, URI endpoint, boolean pathStyle,
                         String accessKey, String secretKey, boolean redirect, String sse, String kmsKeyId,
                         String storageClass, long partSize) {

    /** S3's smallest part (all but the last part of a multipart upload). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;

    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("an S3 bucket is required (registry.storage.s3.bucket)");
        }
        prefix = prefix == null ? "" : trimSlashes(prefix.trim());
        region = blankToNull(region) == null ? "us-east-1" : region.trim();
        accessKey = blankToNull(accessKey);
        secretKey = blankToNull(secretKey);
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("set both the S3 access key and secret key, or neither");
        }
        sse = blankToNull(sse);
        kmsKeyId = blankToNull(kmsKeyId);
        storageClass = blankToNull(storageClass);
        if (partSize < MIN_PART_SIZE || partSize > Integer.MAX_VALUE - 8 - MIN_PART_SIZE) {
            throw new IllegalArgumentException("S3 part size must be between 5 MiB and 2 GiB, was " + partSize);
        }
    }

    /** Settings for a bucket with every option at its default (SDK credentials chain, AWS endpoint). */
    public static S3Settings of(String bucket) {
        return new S3Settings(bucket, "", null, null, false, null, null, false, null, null, null, DEFAULT_PART_SIZE);
    }

    public S3Settings withPrefix(String value) {
        return new S3Settings(bucket, value, region, endpoint, pathStyle, accessKey, secretKey, redirect, sse,
                kmsKeyId, storageClass, partSize);
    }

    /** An S3-compatible endpoint with path-style addressing and static keys (MinIO, S3Proxy, Ceph). */
    public S3Settings withEndpoint(URI value, String access, String secret) {
        return new S3Settings(bucket, prefix, region, value, true, access, secret, redirect, sse, kmsKeyId,
                storageClass, partSize);
    }

    public S3Settings withRedirect(boolean value) {
        return new S3Settings(bucket, prefix, region, endpoint, pathStyle, accessKey, secretKey, value, sse,
                kmsKeyId, storageClass, partSize);
    }

    public S3Settings withPartSize(long value) {
        return new S3Settings(bucket, prefix, region, endpoint, pathStyle, accessKey, secretKey, redirect, sse,
                kmsKeyId, storageClass, value);
    }

    private static String trimSlashes(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && value.charAt(start) == '/') {
            start++;
        }
        while (end > start && value.charAt(end - 1) == '/') {
            end--;
        }
        return value.substring(start, end);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String toString() {
        return "S3Settings[bucket=" + bucket + ", prefix=" + prefix + ", region=" + region + ", endpoint=" + endpoint
                + ", pathStyle=" + pathStyle + ", staticKeys=" + (accessKey != null) + ", redirect=" + redirect
                + ", sse=" + sse + ", storageClass=" + storageClass + ", partSize=" + partSize + "]";
    }
}
