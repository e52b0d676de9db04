package dev.registry.core.artifact;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.storage.Digest;
import dev.registry.storage.InvalidDigestException;
import java.util.regex.Pattern;

/**
 * The {@code <reference>} of a manifest URL: a tag ({@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}})
 * or a digest. Exactly one of {@link #tag()} and {@link #digest()} is non-null.
 */
public record Reference(String tag, Digest digest) {

    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    public static Reference parse(String value) {
        if (value != null && value.contains(":")) {
            return new Reference(null, parseDigest(value));
        }
        if (value == null || !TAG.matcher(value).matches()) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, value != null && value.length() > 128
                    ? "tag is " + value.length() + " characters long; at most 128 are allowed"
                    : "invalid tag '" + value + "': letters, digits, '_', '.' and '-', not starting with '.' or '-'");
        }
        return new Reference(value, null);
    }

    /** Parses a digest, refusing a malformed one with {@code DIGEST_INVALID}. */
    public static Digest parseDigest(String value) {
        try {
            return Digest.parse(value);
        } catch (InvalidDigestException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage());
        }
    }

    public boolean isTag() {
        return tag != null;
    }

    @Override
    public String toString() {
        return isTag() ? tag : digest.toString();
    }
}
