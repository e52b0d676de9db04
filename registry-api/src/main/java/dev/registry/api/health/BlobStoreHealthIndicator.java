package dev.registry.api.health;

import dev.registry.storage.BlobStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Readiness: the blob store can be read and written. Exposed as health component {@code blobStore}. */
@Component
class BlobStoreHealthIndicator implements HealthIndicator {

    private final BlobStore store;

    BlobStoreHealthIndicator(BlobStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        try {
            store.checkHealth();
            return Health.up().withDetail("type", store.kind()).build();
        } catch (Exception e) {
            return Health.down(e).build();
        }
    }
}
