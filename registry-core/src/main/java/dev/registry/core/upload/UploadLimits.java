package dev.registry.core.upload;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Bounds on what uploads may hold ({@code registry.uploads.limits.*}; README "Configuration").
 * Open sessions are counted in the database, so every replica sees the same counts; two starts
 * racing at the limit can both pass (the count is not locked), which overshoots by at most the
 * number of concurrent requests.
 *
 * @param maxOpenPerRepository open upload sessions one repository may have; more answer 429
 * @param maxOpenPerPrincipal  open upload sessions one user or robot may have across the registry
 * @param minBodyRate          the slowest an upload's request body may arrive, averaged from its
 *                             start, once {@code minBodyRateGrace} has passed; 0 turns the check off
 * @param minBodyRateGrace     how long a request body may be slower than {@code minBodyRate}
 */
@ConfigurationProperties("registry.uploads.limits")
public record UploadLimits(@DefaultValue("100") int maxOpenPerRepository, @DefaultValue("200") int maxOpenPerPrincipal,
                           @DefaultValue("1KB") DataSize minBodyRate, @DefaultValue("30s") Duration minBodyRateGrace) {

    public UploadLimits {
        if (maxOpenPerRepository < 1 || maxOpenPerPrincipal < 1) {
            throw new IllegalArgumentException("registry.uploads.limits.max-open-per-repository and max-open-per-principal"
                    + " must be at least 1");
        }
        if (minBodyRate.isNegative() || minBodyRateGrace.isNegative()) {
            throw new IllegalArgumentException("registry.uploads.limits.min-body-rate and min-body-rate-grace must not be negative");
        }
    }
}
