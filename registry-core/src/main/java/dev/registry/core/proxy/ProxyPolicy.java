package dev.registry.core.proxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Proxy cache settings ({@code registry.proxy.*}).
 *
 * @param secretKey          the AES key (base64 of 16, 24 or 32 bytes) that encrypts the registry endpoints' credentials
 *                           at rest ({@code openssl rand -base64 32}); unset to use {@code secretKeyFile}. Every replica
 *                           needs the same key: give it from a Secret (the Helm chart's {@code proxy.secretKey} or
 *                           {@code proxy.existingSecret})
 * @param secretKeyFile      a file holding the key (base64) when {@code secretKey} is unset; created with a new random
 *                           key when the first credential is stored and it does not exist (the embedded default, one
 *                           process)
 * @param previousSecretKeys keys of earlier rotations, still accepted for decrypting: on start every credential
 *                           encrypted with one of them is encrypted again with {@code secretKey} (rotate in two
 *                           rollouts: first add the new key here on every replica, then swap the two)
 * @param tagStaleness       how long a cached manifest tag is served without asking the upstream; after that a pull
 *                           compares its digest with the upstream's by a {@code HEAD} (no upstream pull counted)
 * @param connectTimeout     how long connecting to an upstream may take
 * @param requestTimeout     how long an upstream may take to answer a request (its headers, for a blob)
 */
@ConfigurationProperties("registry.proxy")
public record ProxyPolicy(String secretKey, @DefaultValue("./data/proxy-secret.key") Path secretKeyFile,
                          @DefaultValue List<String> previousSecretKeys, @DefaultValue("5m") Duration tagStaleness,
                          @DefaultValue("5s") Duration connectTimeout, @DefaultValue("30s") Duration requestTimeout) {

    public ProxyPolicy {
        if (tagStaleness.isNegative()) {
            throw new IllegalArgumentException("registry.proxy.tag-staleness must not be negative");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("registry.proxy.connect-timeout and request-timeout must be positive");
        }
    }
}
