package dev.registry.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as the OCI image spec defines it: {@code algorithm ":" encoded}.
 *
 * <p>Only the registered algorithms {@code sha256} (64 lower-case hex characters) and
 * {@code sha512} (128) are accepted; anything else is refused by {@link #parse(String)} with
 * {@link InvalidDigestException}, which the HTTP layer turns into {@code DIGEST_INVALID}.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        boolean valid = switch (algorithm) {
            case "sha256" -> SHA256.matcher(hex).matches();
            case "sha512" -> SHA512.matcher(hex).matches();
            default -> false;
        };
        if (!valid) {
            throw new InvalidDigestException("invalid digest: " + algorithm + ":" + hex);
        }
    }

    /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}. */
    public static Digest parse(String value) {
        if (value == null) {
            throw new InvalidDigestException("missing digest");
        }
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw new InvalidDigestException("invalid digest: " + value);
        }
        return new Digest(value.substring(0, colon), value.substring(colon + 1));
    }

    /** Digest of bytes held in memory (manifests; never used for blob streams). */
    public static Digest of(String algorithm, byte[] content) {
        MessageDigest md = newMessageDigest(algorithm);
        return new Digest(algorithm, HexFormat.of().formatHex(md.digest(content)));
    }

    public static Digest sha256(byte[] content) {
        return of("sha256", content);
    }

    public static Digest fromMessageDigest(String algorithm, MessageDigest md) {
        return new Digest(algorithm, HexFormat.of().formatHex(md.digest()));
    }

    public static MessageDigest newMessageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(switch (algorithm) {
                case "sha256" -> "SHA-256";
                case "sha512" -> "SHA-512";
                default -> throw new InvalidDigestException("unsupported digest algorithm: " + algorithm);
            });
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
