package dev.registry.core.artifact.internal;

import java.util.function.Supplier;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Re-runs a short metadata transaction that lost a race (two pushes of one tag, manifest or blob
 * link at the same moment). Every write it wraps is idempotent, so a re-run converges.
 */
public final class Retry {

    private static final int ATTEMPTS = 5;

    private Retry() {
    }

    public static <T> T onConflict(Supplier<T> transaction) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return transaction.get();
            } catch (ConcurrencyFailureException | DataIntegrityViolationException e) {
                last = e;
                try {
                    Thread.sleep(5L * (attempt + 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        throw last;
    }
}
