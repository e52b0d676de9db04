package dev.registry.storage.s3;

import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the SDK clients from {@link S3Settings}.
 *
 * <ul>
 *   <li>Retries: the SDK's standard strategy (throttling, 5xx, I/O errors) with up to 6 attempts and
 *       jittered exponential backoff (100 ms up to 5 s; throttling from 500 ms up to 20 s). Every
 *       request body is a byte array, so each retry resends exactly the same bytes.</li>
 *   <li>Checksums only where an operation requires them, so S3-compatible stores that do not know
 *       the newer flexible checksums work as well as AWS.</li>
 *   <li>A pool of 256 connections: without redirects every blob download holds one while it streams.</li>
 * </ul>
 */
final class S3Clients {

    private static final int MAX_ATTEMPTS = 6;
    private static final int MAX_CONNECTIONS = 256;

    private S3Clients() {
    }

    static S3Client client(S3Settings settings, AwsCredentialsProvider credentials) {
        return client(settings, credentials, List.of());
    }

    /** The client with {@code interceptors} added (tests count the requests a store makes). */
    static S3Client client(S3Settings settings, AwsCredentialsProvider credentials,
                           List<ExecutionInterceptor> interceptors) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(MAX_CONNECTIONS)
                        .connectionTimeout(Duration.ofSeconds(10))
                        .connectionAcquisitionTimeout(Duration.ofSeconds(30))
                        .socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.executionInterceptors(interceptors)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(MAX_ATTEMPTS)
                                .backoffStrategy(
                                        BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(5)))
                                .throttlingBackoffStrategy(
                                        BackoffStrategy.exponentialDelay(Duration.ofMillis(500), Duration.ofSeconds(20)))
                                .build()));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    /** Presigns blob GETs with the same endpoint, addressing style and credentials as the client. */
    static S3Presigner presigner(S3Settings settings, AwsCredentialsProvider credentials) {
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    /** Static keys when configured, else the SDK's default chain (environment, profile, web identity, roles). */
    static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.accessKey() != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
