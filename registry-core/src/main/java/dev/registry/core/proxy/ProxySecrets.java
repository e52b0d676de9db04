package dev.registry.core.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the registry endpoints' credentials at rest with AES-GCM: a fresh 96-bit nonce per value, a 128-bit tag, and
 * the key's id as associated data. A value reads {@code <key id>:<base64 of nonce, ciphertext and tag>}; the key id
 * (the first 8 hex digits of the key's SHA-256) says which key of the ring decrypts it, so a rotated key keeps its old
 * values readable until they are encrypted again ({@link #isCurrent}).
 */
public final class ProxySecrets {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final java.util.function.Supplier<byte[]> currentKey;
    private final List<byte[]> previous;
    private volatile Ring ring;

    /** The keys by id, and the current one's id. */
    private record Ring(String currentId, Map<String, SecretKeySpec> keys) {
    }

    ProxySecrets(java.util.function.Supplier<byte[]> currentKey, List<byte[]> previous) {
        this.currentKey = currentKey;
        this.previous = previous;
    }

    /**
     * The ring from the policy: {@code secretKey}, else the key file, and the previous keys. Configured keys are checked
     * now (a start with a bad key fails); the key file is read, or created, when a credential is first encrypted or
     * decrypted, so a registry without endpoints never writes it.
     */
    public static ProxySecrets of(ProxyPolicy policy) {
        List<byte[]> previous = new ArrayList<>();
        for (int i = 0; i < policy.previousSecretKeys().size(); i++) {
            previous.add(decodeKey(policy.previousSecretKeys().get(i), "registry.proxy.previous-secret-keys[" + i + "]"));
        }
        if (policy.secretKey() != null && !policy.secretKey().isBlank()) {
            byte[] key = decodeKey(policy.secretKey(), "registry.proxy.secret-key");
            return new ProxySecrets(() -> key, previous);
        }
        return new ProxySecrets(() -> keyFromFile(policy.secretKeyFile()), previous);
    }

    private Ring ring() {
        Ring r = ring;
        if (r == null) {
            synchronized (this) {
                if (ring == null) {
                    Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
                    byte[] current = currentKey.get();
                    String currentId = keyId(current);
                    keys.put(currentId, new SecretKeySpec(current, "AES"));
                    previous.forEach(key -> keys.putIfAbsent(keyId(key), new SecretKeySpec(key, "AES")));
                    ring = new Ring(currentId, Map.copyOf(keys));
                }
                r = ring;
            }
        }
        return r;
    }

    static byte[] decodeKey(String base64, String property) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + " is not base64: " + e.getMessage());
        }
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException(property + " must be the base64 of 16, 24 or 32 random bytes (an AES key),"
                    + " not of " + key.length + " bytes; make one with: openssl rand -base64 32");
        }
        return key;
    }

    private static byte[] keyFromFile(Path file) {
        try {
            if (Files.exists(file)) {
                return decodeKey(Files.readString(file, StandardCharsets.US_ASCII), "the key file " + file);
            }
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, ".proxy-secret", ".tmp");
            try {
                try {
                    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the directory's permissions protect it
                }
                Files.writeString(temporary, Base64.getEncoder().encodeToString(key) + "\n", StandardOpenOption.SYNC);
                try {
                    Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    if (!Files.exists(file)) {
                        throw raced;
                    }
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
            // another process that won the race wrote its own key: everyone uses what the file holds
            return decodeKey(Files.readString(file, StandardCharsets.US_ASCII), "the key file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the proxy secret key file " + file, e);
        }
    }

    private static String keyId(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String encrypt(String plain) {
        Ring ring = ring();
        String currentId = ring.currentId();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, ring.keys().get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(currentId.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return currentId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** @throws IllegalStateException when no key of the ring made it, or it was altered */
    String decrypt(String sealed) {
        int colon = sealed.indexOf(':');
        String id = colon < 0 ? "" : sealed.substring(0, colon);
        SecretKeySpec key = ring().keys().get(id);
        if (key == null) {
            throw new IllegalStateException("a stored credential was encrypted with key " + id + ", which is neither"
                    + " registry.proxy.secret-key nor one of registry.proxy.previous-secret-keys");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(colon + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(id.getBytes(StandardCharsets.US_ASCII));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored credential does not decrypt with key " + id + " (altered?)", e);
        }
    }

    /** Whether the value is encrypted with the current key (else {@link #encrypt} it again). */
    boolean isCurrent(String sealed) {
        return sealed.startsWith(ring().currentId() + ":");
    }
}
