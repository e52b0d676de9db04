package dev.registry.core.job;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.springframework.scheduling.support.CronExpression;

/**
 * Schedules kept in the database (garbage collection's, each project's retention): Spring's cron
 * expressions of six fields (second minute hour day month weekday), evaluated in UTC. Every replica
 * looks whether a schedule is due; the one whose conditional update of the schedule's last fire
 * succeeds runs it.
 */
public final class Cron {

    private Cron() {
    }

    /** The expression trimmed, or null for none (null or blank); {@code INVALID_INPUT} naming {@code field} otherwise. */
    public static String valid(String expression, String field) {
        if (expression == null || expression.isBlank()) {
            return null;
        }
        String cron = expression.trim();
        try {
            CronExpression.parse(cron);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, field + " is not a cron expression of six fields (second minute"
                    + " hour day month weekday, in UTC, e.g. \"0 0 2 * * *\"): " + e.getMessage(), Map.of("field", field));
        }
        return cron;
    }

    /**
     * The next fire of the schedule after its last fire, or after it was set when it never fired;
     * null when it never fires again.
     */
    public static Instant next(String expression, Instant lastFire, Instant setAt) {
        Instant base = lastFire != null && lastFire.isAfter(setAt) ? lastFire : setAt;
        ZonedDateTime next = CronExpression.parse(expression).next(base.atZone(ZoneOffset.UTC));
        return next == null ? null : next.toInstant();
    }

    /** Whether the schedule is due at {@code now}: its next fire (see {@link #next}) is not after it. */
    public static boolean due(String expression, Instant lastFire, Instant setAt, Instant now) {
        Instant next = next(expression, lastFire, setAt);
        return next != null && !next.isAfter(now);
    }
}
