package dev.registry.core.access;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How failed logins slow down the one who fails ({@code registry.auth.login-failures.*}), counted
 * in the database so every replica sees the same counts.
 *
 * <p>Failures are counted per (username, client address), and per address over all names. The
 * first {@code freePerName} (or {@code freePerAddress}) failures cost nothing; after each further
 * one that name from that address (or that address) must wait {@code firstDelay}, doubling per
 * further failure up to {@code maxDelay}, and is answered 429 with {@code Retry-After} while the
 * wait runs. Nothing is ever locked: the same name from another address is not slowed down, and a
 * count is forgotten {@code forgetAfter} after its last failure (a successful login from that
 * address forgets the pair's count at once). Robot accounts are never slowed down (see
 * {@link CredentialService}).
 *
 * @param freePerName    failures of one name from one address before waits begin
 * @param freePerAddress failures from one address, over all names, before waits begin for that address
 * @param firstDelay     the first wait; each further failure doubles it
 * @param maxDelay       the longest wait
 * @param forgetAfter    a count is forgotten this long after its last failure
 */
@ConfigurationProperties("registry.auth.login-failures")
public record LoginPolicy(@DefaultValue("5") int freePerName, @DefaultValue("30") int freePerAddress,
                          @DefaultValue("2s") Duration firstDelay, @DefaultValue("5m") Duration maxDelay,
                          @DefaultValue("1h") Duration forgetAfter) {

    /** How long to wait after the {@code failures}-th failure when {@code free} of them cost nothing. */
    public Duration delayAfter(int failures, int free) {
        int beyond = failures - free;
        if (beyond <= 0) {
            return Duration.ZERO;
        }
        Duration delay = firstDelay;
        for (int i = 1; i < beyond && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
