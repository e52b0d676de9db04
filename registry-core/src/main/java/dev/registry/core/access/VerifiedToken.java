package dev.registry.core.access;

import dev.registry.core.artifact.RepositoryName;
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

    /**
     * Whether the token grants {@code action} on the repository {@code name}. Names compare in
     * their canonical form: a grant on {@code alpine} (the name the client asked for, echoed in
     * the token) is a grant on {@code library/alpine}, and the other way round.
     */
    public boolean grants(String name, String action) {
        String wanted = RepositoryName.canonical(name);
        for (Grant grant : access) {
            if ("repository".equals(grant.type()) && RepositoryName.canonical(grant.name()).equals(wanted)
                    && grant.allows(action)) {
                return true;
            }
        }
        return false;
    }
}
