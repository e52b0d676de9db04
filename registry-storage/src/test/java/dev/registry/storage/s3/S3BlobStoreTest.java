package dev.registry.storage.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

/** The contract suite on an in-process S3 server (S3Proxy), one per class: runs everywhere. */
class S3BlobStoreTest extends S3ContractSuite {

    private static final String BUCKET = "contract";
    private static InProcessS3 s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = InProcessS3.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @Override
    protected S3Settings settings() {
        return s3.settings(BUCKET);
    }

    @Override
    protected S3Client admin() {
        return s3.admin();
    }
}
