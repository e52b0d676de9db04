package dev.registry.core.gc;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Garbage collection settings ({@code registry.gc.*}).
 *
 * @param grace     how long a blob link no manifest references survives after it was made or last
 *                  confirmed (an upload, a mount, a {@code HEAD} of a candidate): a client uploading
 *                  the layers of a manifest it has not pushed yet has this long to push it. Also the
 *                  age below which an untagged manifest is never collected.
 * @param batchSize candidates looked at in one short transaction
 * @param dutyCycle the share of a run's time spent working: after each batch the collector pauses
 *                  so that batches take this share of the time, leaving the cores to pushes and
 *                  pulls (1 works without pausing). 0.1: a run over 10,000 garbage blobs takes 25-35 s
 *                  instead of 5 s at 0.5, and pull p99 beside it stays within 1.5× of the quiet figure
 *                  instead of 1.7-2.2× on 2 cores (docs/benchmarks.md, bench/gc.sh)
 */
@ConfigurationProperties("registry.gc")
public record GcPolicy(@DefaultValue("24h") Duration grace, @DefaultValue("200") int batchSize,
                       @DefaultValue("0.1") double dutyCycle) {

    public GcPolicy {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("registry.gc.grace must not be negative");
        }
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("registry.gc.batch-size must be between 1 and 1000");
        }
        if (!(dutyCycle > 0 && dutyCycle <= 1)) {
            throw new IllegalArgumentException("registry.gc.duty-cycle must be above 0 and at most 1");
        }
    }
}
