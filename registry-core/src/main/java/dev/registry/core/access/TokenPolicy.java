package dev.registry.core.access;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Docker token authentication ({@code registry.auth.token.*}).
 *
 * @param issuer          the tokens' {@code iss}
 * @param service         the service name clients ask tokens for ({@code service=}) and the tokens' {@code aud}
 * @param lifetime        how long an access token is valid; short, because a token outlives any later change
 *                        of role (a disabled robot or rotated secret ends it at once regardless)
 * @param refreshLifetime how long a refresh token ({@code offline_token=true}) is valid
 * @param signingKey      the signing key as PEM (EC P-256 for ES256 or RSA for RS256) or JWK JSON; unset:
 *                        one is generated at first start and kept in the database, shared by every replica
 * @param realm           the token endpoint's absolute URL in {@code WWW-Authenticate}; unset: derived
 *                        from each request's scheme and host ({@code /service/token})
 */
@ConfigurationProperties("registry.auth.token")
public record TokenPolicy(@DefaultValue("registry") String issuer, @DefaultValue("registry") String service,
                          @DefaultValue("5m") Duration lifetime, @DefaultValue("30d") Duration refreshLifetime,
                          String signingKey, String realm) {
}
