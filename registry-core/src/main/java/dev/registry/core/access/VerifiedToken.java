package dev.registry.core.access;

import java.time.Instant;
import java.util.List;

/**
 * A token whose signature, issuer and audience checked out. It may still be {@link #expired};
 * whether its principal may still act is {@link CredentialService#current}'s answer.
 *
 * @param kind {@code user}, {@code robot} or {@code anonymous}
 */
public record VerifiedToken(String subject, String kind, long principalId, List<Grant> access, Instant issuedAt,
                            Instant expiresAt, boolean refresh) {

    public boolean expired(Instant now) {
        return !expiresAt.isAfter(now);
    }

    /** Whether the token grants {@code action} on the repository {@code name}. */
    public boolean grants(String name, String action) {
        for (Grant grant : access) {
            if ("repository".equals(grant.type()) && grant.name().equals(name) && grant.allows(action)) {
                return true;
            }
        }
        return false;
    }
}
