package dev.registry.core.access.internal;

import dev.registry.core.ThrottledException;
import dev.registry.core.access.LoginPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Counts failed logins per username and per client address in fixed windows, in the
 * {@code login_failure} table, so the limit holds across replicas. Each update is one atomic
 * statement on one row.
 */
@Component
public class LoginThrottle {

    private final JdbcClient jdbc;
    private final LoginPolicy policy;

    public LoginThrottle(JdbcClient jdbc, LoginPolicy policy) {
        this.jdbc = jdbc;
        this.policy = policy;
    }

    /** Throws {@link ThrottledException} when either key used up its failures in the current window. */
    public void check(String username, String address) {
        Instant now = Instant.now();
        blocked("user:" + username, policy.maxPerUser(), now).ifPresent(wait -> {
            throw new ThrottledException("too many failed logins for " + username + "; try again in "
                    + wait.toSeconds() + " s", wait);
        });
        if (address != null) {
            blocked("address:" + address, policy.maxPerAddress(), now).ifPresent(wait -> {
                throw new ThrottledException("too many failed logins from " + address + "; try again in "
                        + wait.toSeconds() + " s", wait);
            });
        }
    }

    public void failed(String username, String address) {
        Instant now = Instant.now();
        count("user:" + username, now);
        if (address != null) {
            count("address:" + address, now);
        }
    }

    public void succeeded(String username) {
        jdbc.sql("DELETE FROM login_failure WHERE failure_key = ?").param("user:" + username).update();
    }

    private Optional<Duration> blocked(String key, int max, Instant now) {
        return jdbc.sql("SELECT window_start, failures FROM login_failure WHERE failure_key = ?").param(key)
                .query((rs, n) -> {
                    Instant start = rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
                    Instant end = start.plus(policy.window());
                    return rs.getInt(2) >= max && end.isAfter(now) ? Duration.between(now, end).plusSeconds(1) : null;
                })
                .optional();
    }

    private void count(String key, Instant now) {
        java.time.OffsetDateTime at = now.atOffset(java.time.ZoneOffset.UTC);
        java.time.OffsetDateTime windowOpen = now.minus(policy.window()).atOffset(java.time.ZoneOffset.UTC);
        jdbc.sql("INSERT INTO login_failure (failure_key, window_start, failures) VALUES (?, ?, 0) ON CONFLICT DO NOTHING")
                .params(key, at).update();
        jdbc.sql("UPDATE login_failure SET failures = CASE WHEN window_start < ? THEN 1 ELSE failures + 1 END,"
                        + " window_start = CASE WHEN window_start < ? THEN ? ELSE window_start END WHERE failure_key = ?")
                .params(windowOpen, windowOpen, at, key).update();
    }
}
