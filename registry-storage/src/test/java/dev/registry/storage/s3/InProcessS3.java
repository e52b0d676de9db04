package dev.registry.storage.s3;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 server inside the test JVM (S3Proxy over an in-memory store) on a free port of 127.0.0.1,
 * with signature checking on, so presigned URLs are really verified. Nothing touches the disk.
 */
public final class InProcessS3 implements AutoCloseable {

    public static final String ACCESS_KEY = "registry-test";
    public static final String SECRET_KEY = "registry-test-secret";

    private final S3Proxy proxy;
    private final URI endpoint;
    private final S3Client admin;

    private InProcessS3(S3Proxy proxy) {
        this.proxy = proxy;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        this.admin = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    public static InProcessS3 start() throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        return new InProcessS3(proxy);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A client for the test's own looks into the bucket. */
    public S3Client admin() {
        return admin;
    }

    public String createBucket(String name) {
        admin.createBucket(r -> r.bucket(name));
        return name;
    }

    /** Settings for a store on {@code bucket} of this server (path-style, static keys, 5 MiB parts). */
    public S3Settings settings(String bucket) {
        return S3Settings.of(bucket).withEndpoint(endpoint, ACCESS_KEY, SECRET_KEY).withPartSize(S3Settings.MIN_PART_SIZE);
    }

    @Override
    public void close() throws Exception {
        admin.close();
        proxy.stop();
    }
}
