package dev.registry.core.access.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.registry.core.access.TokenPolicy;
import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The token signing key: from {@code registry.auth.token.signing-key} when set, otherwise the one
 * in the {@code signing_key} table, which the first replica to start generates (EC P-256). Two
 * replicas starting at once both try to insert; the database keeps one and both read it back, so
 * every replica signs and verifies with the same key.
 */
@Component
public class SigningKeys {

    private static final String ROW = "token";
    private static final String SELECT = "SELECT private_key FROM signing_key WHERE id = ?";
    private final JWK key;

    public SigningKeys(TokenPolicy policy, JdbcClient jdbc, TransactionTemplate tx) {
        this.key = policy.signingKey() == null || policy.signingKey().isBlank() ? stored(jdbc, tx) : configured(policy.signingKey());
    }

    public JWK key() {
        return key;
    }

    private static JWK configured(String text) {
        try {
            JWK parsed = text.trim().startsWith("{") ? JWK.parse(text) : JWK.parseFromPEMEncodedObjects(text);
            if (!parsed.isPrivate()) {
                throw new IllegalStateException("registry.auth.token.signing-key holds no private key");
            }
            return withKeyId(parsed);
        } catch (JOSEException | ParseException e) {
            throw new IllegalStateException("registry.auth.token.signing-key is neither a PEM EC/RSA key pair nor a JWK: "
                    + e.getMessage(), e);
        }
    }

    private static JWK stored(JdbcClient jdbc, TransactionTemplate tx) {
        return tx.execute(status -> {
            try {
                // a key is generated (100 ms of a cold start) only when none is stored; two first replicas starting at
                // once each insert theirs, the first wins and both read it
                Optional<String> stored = jdbc.sql(SELECT).param(ROW).query(String.class).optional();
                if (stored.isEmpty()) {
                    ECKey generated = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
                    jdbc.sql("INSERT INTO signing_key (id, algorithm, private_key, created_at) VALUES (?, 'ES256', ?, ?)"
                                    + " ON CONFLICT DO NOTHING")
                            .params(ROW, generated.toJSONString(), Instant.now().atOffset(ZoneOffset.UTC)).update();
                    stored = Optional.of(jdbc.sql(SELECT).param(ROW).query(String.class).single());
                }
                return withKeyId(JWK.parse(stored.get()));
            } catch (JOSEException | ParseException e) {
                throw new IllegalStateException("cannot create or read the token signing key", e);
            }
        });
    }

    private static JWK withKeyId(JWK jwk) throws JOSEException {
        if (jwk.getKeyID() != null) {
            return jwk;
        }
        String kid = jwk.computeThumbprint().toString();
        return jwk instanceof ECKey ec ? new ECKey.Builder(ec).keyID(kid).build()
                : new com.nimbusds.jose.jwk.RSAKey.Builder(jwk.toRSAKey()).keyID(kid).build();
    }
}
