package dev.registry.core.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.registry.core.Actor;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.internal.SigningKeys;
import java.text.ParseException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Signs and checks the registry's JWTs (Docker registry token spec, "Token Authentication
 * Implementation"): access tokens with an {@code access} claim, and refresh tokens for the OAuth2
 * {@code refresh_token} grant. ES256 with the generated key, or ES256/RS256 with a configured one.
 * Every replica holds the same key ({@link SigningKeys}), so any replica accepts any replica's tokens.
 */
@Service
public class TokenService {

    /** An issued access token and what the token endpoint reports about it. */
    public record Issued(String token, long expiresIn, Instant issuedAt) {
    }

    private static final String KIND = "kind";
    private static final String PRINCIPAL_ID = "pid";
    private static final String ACCESS = "access";
    private static final String REFRESH_TYPE = "refresh+jwt";

    private final TokenPolicy policy;
    private final ApplicationEventPublisher events;
    private final JWK key;
    private final JWSAlgorithm algorithm;
    private final JWSSigner signer;
    private final JWSVerifier verifier;
    private static final int VERIFIED_LIMIT = 4096;
    private final Map<String, VerifiedToken> verified = new java.util.concurrent.ConcurrentHashMap<>();
    /** An anonymous token is handed out again for this fraction of its lifetime (a tenth: 30 s of the default 5 min). */
    private static final int ANONYMOUS_REUSE_DIVISOR = 10;
    private static final int ANONYMOUS_LIMIT = 1024;
    private final Map<List<Map<String, Object>>, Issued> anonymous = new java.util.concurrent.ConcurrentHashMap<>();

    public TokenService(TokenPolicy policy, SigningKeys keys, ApplicationEventPublisher events) {
        this.policy = policy;
        this.events = events;
        this.key = keys.key();
        try {
            if (key instanceof ECKey ec) {
                this.algorithm = JWSAlgorithm.ES256;
                this.signer = new ECDSASigner(ec);
                this.verifier = new ECDSAVerifier(ec.toPublicJWK());
            } else {
                this.algorithm = JWSAlgorithm.RS256;
                this.signer = new RSASSASigner(key.toRSAKey());
                this.verifier = new RSASSAVerifier(key.toRSAKey().toPublicJWK());
            }
        } catch (JOSEException e) {
            throw new IllegalStateException("unusable token signing key", e);
        }
    }

    public TokenPolicy policy() {
        return policy;
    }

    /** The public half of the signing key, for {@code /service/token/jwks}. */
    public JWK publicKey() {
        return key.toPublicJWK();
    }

    /**
     * An access token granting {@code access}. A signed-in principal's token is published as
     * {@link TokenIssued} with the client's {@code address} (the registry's "login" in the audit
     * log); an anonymous one is not.
     *
     * <p>An anonymous token carries nobody's identity, only the access it grants, so one signed for the same
     * access is handed out again for a tenth of its lifetime, with the seconds it has left: every anonymous pull
     * asks for a token first, and signing one (ES256) costs more than the pull's manifest GET. The access is
     * decided afresh for every request before this (a project made private since then grants other access, so a
     * different token), and the token still expires when it would have.
     */
    public Issued issueAccess(Principal principal, List<Grant> access, String address) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<Map<String, Object>> claim = new ArrayList<>();
        for (Grant grant : access) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", grant.type());
            entry.put("name", grant.name());
            entry.put("actions", List.copyOf(grant.actions()));
            claim.add(entry);
        }
        if (principal.isAnonymous()) {
            Issued reused = anonymous.get(claim);
            if (reused != null && now.isBefore(reused.issuedAt().plus(policy.lifetime().dividedBy(ANONYMOUS_REUSE_DIVISOR)))) {
                long left = reused.expiresIn() - (now.getEpochSecond() - reused.issuedAt().getEpochSecond());
                return new Issued(reused.token(), left, reused.issuedAt());
            }
        }
        JWTClaimsSet claims = base(principal, now, now.plus(policy.lifetime())).claim(ACCESS, claim).build();
        Issued issued = new Issued(sign(claims, JOSEObjectType.JWT), policy.lifetime().toSeconds(), now);
        if (principal.isAnonymous()) {
            if (anonymous.size() >= ANONYMOUS_LIMIT) {
                anonymous.clear();
            }
            anonymous.put(claim, issued);
        } else {
            events.publishEvent(new TokenIssued(new Actor(principal.name(), CredentialService.kindOf(principal),
                    address), access.stream().filter(g -> !g.actions().isEmpty()).map(Grant::toScope).toList()));
        }
        return issued;
    }

    public String issueRefresh(Principal principal) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return sign(base(principal, now, now.plus(policy.refreshLifetime())).build(), new JOSEObjectType(REFRESH_TYPE));
    }

    /**
     * Checks signature, issuer and audience; {@code UNAUTHORIZED} with the reason when one fails.
     * An expired token is returned (callers decide: only an upload's continuation accepts one).
     *
     * <p>A client sends the same token with every request until it expires, and checking an ES256
     * signature costs far more than serving a manifest; so a token that checked out is remembered,
     * keyed by its exact text (a changed byte is another key and is checked afresh), until it
     * expires. Only the signature check is saved: callers still check expiry, and whether the
     * principal may still act, on every request.
     */
    public VerifiedToken verify(String token) {
        VerifiedToken known = verified.get(token);
        if (known != null) {
            return known;
        }
        VerifiedToken checked = check(token);
        if (!checked.expired(Instant.now())) {
            if (verified.size() >= VERIFIED_LIMIT) {
                verified.values().removeIf(v -> v.expired(Instant.now()));
                if (verified.size() >= VERIFIED_LIMIT) {
                    verified.clear();
                }
            }
            verified.put(token, checked);
        }
        return checked;
    }

    private VerifiedToken check(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw invalid("the bearer token is not a JWT");
        }
        try {
            if (!algorithm.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                throw invalid("the bearer token's signature is not valid");
            }
        } catch (JOSEException e) {
            throw invalid("the bearer token's signature is not valid");
        }
        try {
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!policy.issuer().equals(claims.getIssuer())) {
                throw invalid("the bearer token was issued by " + claims.getIssuer() + ", not by this registry");
            }
            if (claims.getAudience() == null || !claims.getAudience().contains(policy.service())) {
                throw invalid("the bearer token is for service " + claims.getAudience() + ", not " + policy.service());
            }
            if (claims.getExpirationTime() == null || claims.getIssueTime() == null) {
                throw invalid("the bearer token has no expiry or issue time");
            }
            if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(Instant.now().plusSeconds(60))) {
                throw invalid("the bearer token is not valid yet");
            }
            boolean refresh = jwt.getHeader().getType() != null && REFRESH_TYPE.equals(jwt.getHeader().getType().getType());
            Object pid = claims.getClaim(PRINCIPAL_ID);
            return new VerifiedToken(claims.getSubject() == null ? "" : claims.getSubject(),
                    String.valueOf(claims.getClaim(KIND)), pid instanceof Number n ? n.longValue() : 0,
                    refresh ? List.of() : grants(claims.getClaim(ACCESS)),
                    claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant(), refresh);
        } catch (ParseException | ClassCastException e) {
            throw invalid("the bearer token's claims are malformed");
        }
    }

    private JWTClaimsSet.Builder base(Principal principal, Instant now, Instant expires) {
        return new JWTClaimsSet.Builder()
                .issuer(policy.issuer())
                .subject(principal.isAnonymous() ? "" : principal.name())
                .audience(policy.service())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .claim(KIND, CredentialService.kindOf(principal))
                .claim(PRINCIPAL_ID, CredentialService.idOf(principal));
    }

    private String sign(JWTClaimsSet claims, JOSEObjectType type) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(type).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }

    @SuppressWarnings("unchecked")
    private static List<Grant> grants(Object claim) {
        List<Grant> grants = new ArrayList<>();
        if (claim instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> entry = (Map<String, Object>) o;
                grants.add(new Grant(String.valueOf(entry.get("type")), String.valueOf(entry.get("name")),
                        new LinkedHashSet<>((List<String>) entry.get("actions"))));
            }
        }
        return grants;
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.UNAUTHORIZED, message);
    }
}
