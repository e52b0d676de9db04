package dev.registry.api.s3;

import dev.registry.storage.s3.InProcessS3;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The properties that put a registry on a bucket of an {@link InProcessS3} server (path-style,
 * the server's static keys, 5 MiB parts so that small test blobs already span several parts) with
 * the test admin and create-on-push of {@code RegistryIntegrationTest}, for
 * tests that start a registry context of their own: as {@code @DynamicPropertySource} entries or
 * as {@code --key=value} arguments of a {@code SpringApplicationBuilder}.
 */
public final class RegistryOnS3 {

    private RegistryOnS3() {
    }

    /**
     * @param prefix   key prefix inside the bucket; registries given the same bucket and prefix share their blobs
     * @param redirect whether blob GETs answer 307 to a presigned URL of the S3 server
     */
    public static Map<String, String> properties(InProcessS3 s3, String bucket, String prefix, boolean redirect) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("registry.storage.type", "s3");
        properties.put("registry.storage.s3.bucket", bucket);
        properties.put("registry.storage.s3.prefix", prefix);
        properties.put("registry.storage.s3.endpoint", s3.endpoint().toString());
        properties.put("registry.storage.s3.path-style", "true");
        properties.put("registry.storage.s3.access-key", InProcessS3.ACCESS_KEY);
        properties.put("registry.storage.s3.secret-key", InProcessS3.SECRET_KEY);
        properties.put("registry.storage.s3.redirect", Boolean.toString(redirect));
        properties.put("registry.storage.s3.redirect-lifetime", "5m");
        properties.put("registry.storage.s3.part-size", "5MB");
        // as in every test registry: the admin of RegistryIntegrationTest, creating projects by pushing
        properties.put("registry.admin.password", dev.registry.api.RegistryIntegrationTest.ADMIN_PASSWORD);
        properties.put("registry.projects.create-on-push", "true");
        return properties;
    }

    /** The same properties as command-line arguments, which outrank {@code application.properties}. */
    public static List<String> arguments(Map<String, String> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
    }
}
