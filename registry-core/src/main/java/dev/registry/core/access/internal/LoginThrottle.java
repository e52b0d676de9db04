package dev.registry.core.access.internal;

import dev.registry.core.ThrottledException;
import dev.registry.core.access.LoginPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Slows down whoever fails to log in ({@link LoginPolicy}): failures are counted per (username,
 * client address) and per address over all names ({@code username = '*'}) in the
 * {@code login_failure} table, so every replica sees the same counts. Each count is one atomic
 * statement on one row; reading both counts is one query.
 *
 * <p>An unknown client address (a caller with none, as in service code) counts as the address
 * {@code ""}.
 */
@Component
public class LoginThrottle {

    static final String ANY_NAME = "*";
    private final JdbcClient jdbc;
    private final LoginPolicy policy;

    public LoginThrottle(JdbcClient jdbc, LoginPolicy policy) {
        this.jdbc = jdbc;
        this.policy = policy;
    }

    /**
     * Throws {@link ThrottledException} while a wait for this name from this address, or for this
     * address, runs. Otherwise returns the failures counted for the pair (0 when none), so a
     * successful login knows whether it has a count to forget.
     */
    public int check(String name, String address) {
        String username = bounded(name);
        String from = address(address);
        Instant now = Instant.now();
        record Row(String username, int failures, Instant last) {
        }
        List<Row> rows = jdbc.sql("SELECT username, failures, last_failure_at FROM login_failure"
                        + " WHERE client_address = ? AND username IN (?, ?)")
                .params(from, username, ANY_NAME)
                .query((rs, n) -> new Row(rs.getString(1), rs.getInt(2), rs.getObject(3, OffsetDateTime.class).toInstant()))
                .list();
        int pairFailures = 0;
        for (Row row : rows) {
            if (row.last().plus(policy.forgetAfter()).isBefore(now)) {
                continue;
            }
            boolean perAddress = ANY_NAME.equals(row.username());
            if (!perAddress) {
                pairFailures = row.failures();
            }
            Instant until = row.last().plus(policy.delayAfter(row.failures(),
                    perAddress ? policy.freePerAddress() : policy.freePerName()));
            if (until.isAfter(now)) {
                Duration wait = Duration.between(now, until);
                long seconds = Math.max(1, wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
                throw new ThrottledException((perAddress ? "too many failed logins from " + from
                        : "too many failed logins for " + username + " from " + from)
                        + "; try again in " + seconds + " s", Duration.ofSeconds(seconds));
            }
        }
        return pairFailures;
    }

    /** Counts a failure for the name from the address and for the address. */
    public void failed(String username, String address) {
        String from = address(address);
        Instant now = Instant.now();
        count(bounded(username), from, now);
        count(ANY_NAME, from, now);
        if (ThreadLocalRandom.current().nextInt(100) == 0) {
            // counts nobody added to for forgetAfter are dead weight: drop them now and then
            jdbc.sql("DELETE FROM login_failure WHERE last_failure_at < ?")
                    .param(now.minus(policy.forgetAfter()).atOffset(ZoneOffset.UTC)).update();
        }
    }

    /** A successful login from the address forgets the pair's failures (not the address's). */
    public void succeeded(String username, String address) {
        jdbc.sql("DELETE FROM login_failure WHERE username = ? AND client_address = ?")
                .params(bounded(username), address(address)).update();
    }

    /** Forgets every failure counted for the name, from any address; the number of addresses it had failed from. */
    public int clear(String username) {
        return jdbc.sql("DELETE FROM login_failure WHERE username = ?").param(username).update();
    }

    private void count(String username, String address, Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        OffsetDateTime forgotten = now.minus(policy.forgetAfter()).atOffset(ZoneOffset.UTC);
        jdbc.sql("INSERT INTO login_failure (username, client_address, failures, last_failure_at) VALUES (?, ?, 0, ?)"
                        + " ON CONFLICT DO NOTHING")
                .params(username, address, at).update();
        jdbc.sql("UPDATE login_failure SET failures = CASE WHEN last_failure_at < ? THEN 1 ELSE failures + 1 END,"
                        + " last_failure_at = ? WHERE username = ? AND client_address = ?")
                .params(forgotten, at, username, address).update();
    }

    private static String address(String address) {
        return address == null ? "" : bounded(address);
    }

    /** Names and addresses longer than the column are cut (no account has such a name). */
    private static String bounded(String value) {
        return value.length() > 255 ? value.substring(0, 255) : value;
    }
}
