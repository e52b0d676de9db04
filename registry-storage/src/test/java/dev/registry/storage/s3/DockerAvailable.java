package dev.registry.storage.s3;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/** Runs a test class only where Testcontainers finds a Docker engine; otherwise skips it and says why. */
final class DockerAvailable implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason;
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return ConditionEvaluationResult.enabled("a Docker engine is available");
            }
            reason = "no Docker engine";
        } catch (RuntimeException e) {
            reason = "Docker engine unusable (" + e + ")";
        }
        return ConditionEvaluationResult.disabled(reason + ": " + context.getDisplayName()
                + " skipped; the same contract suite runs on the in-process S3 server in S3BlobStoreTest");
    }
}
