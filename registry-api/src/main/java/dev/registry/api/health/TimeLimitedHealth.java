package dev.registry.api.health;

import dev.registry.storage.BlobStore;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The readiness checks of the database ({@code db}) and the blob store ({@code blobStore}) answer within
 * {@code registry.health.timeout} (800 ms by default, under Kubernetes' default probe timeout of 1 s) even when the
 * database or S3 hangs: each check runs on its own virtual thread, and a check that has not answered in time reports
 * DOWN ("no answer within 800ms") while it goes on; the next probe waits for that same check rather than starting
 * another, so a hanging dependency holds one thread, not one per probe. Before this a probe during an S3 outage took
 * about 1.5 s and Kubernetes counted it as failed for the wrong reason, with threads piling up.
 */
@Configuration(proxyBeanMethods = false)
class TimeLimitedHealth {

    /** Named as Spring Boot's own database check, which it replaces (component {@code db}). */
    @Bean
    HealthIndicator dbHealthIndicator(JdbcTemplate jdbc, @Value("${registry.health.timeout:800ms}") Duration timeout) {
        return new Check(timeout, () -> {
            jdbc.queryForObject("SELECT 1", Integer.class);
            return Health.up().build();
        });
    }

    /** Readiness: the blob store can be read and written (component {@code blobStore}). */
    @Bean
    HealthIndicator blobStoreHealthIndicator(BlobStore store, @Value("${registry.health.timeout:800ms}") Duration timeout) {
        return new Check(timeout, () -> {
            store.checkHealth();
            return Health.up().withDetail("type", store.kind()).build();
        });
    }

    /** One dependency's check, bounded in time; at most one of it in flight. */
    static final class Check implements HealthIndicator {

        private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

        private final Duration timeout;
        private final Callable<Health> check;
        private Future<Health> inFlight;

        Check(Duration timeout, Callable<Health> check) {
            this.timeout = timeout;
            this.check = check;
        }

        private synchronized Future<Health> current() {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = THREADS.submit(check);
            }
            return inFlight;
        }

        @Override
        public Health health() {
            try {
                return current().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return Health.down().withDetail("error", "no answer within " + timeout).build();
            } catch (ExecutionException e) {
                return Health.down(e.getCause() instanceof Exception cause ? cause : e).build();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Health.down(e).build();
            }
        }
    }
}
