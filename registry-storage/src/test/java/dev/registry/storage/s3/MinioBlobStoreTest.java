package dev.registry.storage.s3;

import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.MinIOContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The contract suite on a real MinIO server in a container (Testcontainers), where a Docker engine
 * is available; elsewhere the class is skipped with the reason ({@link DockerAvailable}).
 */
@ExtendWith(DockerAvailable.class)
class MinioBlobStoreTest extends S3ContractSuite {

    private static final String BUCKET = "contract";
    private static MinIOContainer minio;
    private static S3Client admin;

    @BeforeAll
    static void startMinio() {
        minio = new MinIOContainer("minio/minio:RELEASE.2023-09-04T19-57-37Z");
        minio.start();
        admin = S3Client.builder().endpointOverride(URI.create(minio.getS3URL())).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(minio.getUserName(), minio.getPassword())))
                .build();
        admin.createBucket(r -> r.bucket(BUCKET));
    }

    @AfterAll
    static void stopMinio() {
        admin.close();
        minio.stop(); // the container and its data go with it
    }

    @Override
    protected S3Settings settings() {
        return S3Settings.of(BUCKET).withEndpoint(URI.create(minio.getS3URL()), minio.getUserName(), minio.getPassword());
    }

    @Override
    protected S3Client admin() {
        return admin;
    }
}
