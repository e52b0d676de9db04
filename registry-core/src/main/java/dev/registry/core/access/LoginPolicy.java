package dev.registry.core.access;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits on failed logins ({@code registry.auth.login-failures.*}), counted in the database so
 * every replica sees the same counts.
 *
 * @param maxPerUser    failed logins for one username within {@code window} before it is refused
 * @param maxPerAddress failed logins from one client address within {@code window}
 * @param window        how long failures are remembered
 */
@ConfigurationProperties("registry.auth.login-failures")
public record LoginPolicy(@DefaultValue("10") int maxPerUser, @DefaultValue("30") int maxPerAddress,
                          @DefaultValue("15m") Duration window) {
}
