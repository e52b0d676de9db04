package dev.registry.storage.s3;

import dev.registry.storage.Digest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every object key the S3 store uses, produced here and nowhere else.
 *
 * <pre>
 * &lt;prefix&gt;/
 *   blobs/                            verified content, immutable, one object per digest
 *     sha256/ab/abcdef0123…           bytes of blob sha256:abcdef0123…
 *     sha512/…
 *   uploads/                          open uploads; nothing here is ever served
 *     3f1c…-uuid/
 *       state                         the upload's state (size, multipart upload id, part ETags, tail,
 *                                     resumable hash); rewriting it is the commit point of every append
 *       tail-&lt;token&gt;                  bytes after the last part (&lt; 5 MiB), or all bytes of a small upload
 *                                     (less than a part and 5 MiB), one object per append that left some
 *       data                          target of the S3 multipart upload: it exists only between the
 *                                     completion of the multipart upload and the copy to blobs/ at commit
 * </pre>
 *
 * A blob appears under {@code blobs/} only through a server-side copy of bytes whose digest was
 * verified, so a reader sees either no object or the whole verified blob.
 */
final class S3Layout {

    private static final Pattern UPLOAD_ID = Pattern.compile("[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}");
    private static final Pattern TOKEN = Pattern.compile("[a-f0-9]{32}");

    private final String root;

    S3Layout(String prefix) {
        this.root = prefix.isEmpty() ? "" : prefix + "/";
    }

    /** Everything this store owns starts with this ({@code ""} or {@code "prefix/"}). */
    String root() {
        return root;
    }

    String blobsPrefix() {
        return root + "blobs/";
    }

    String blob(Digest digest) {
        return blobsPrefix() + digest.algorithm() + "/" + digest.hex().substring(0, 2) + "/" + digest.hex();
    }

    /** The digest a key under {@code blobs/} stands for, or empty for anything else. */
    Optional<Digest> digestOf(String key) {
        if (!key.startsWith(blobsPrefix())) {
            return Optional.empty();
        }
        String[] parts = key.substring(blobsPrefix().length()).split("/", -1);
        if (parts.length != 3 || parts[2].length() < 2 || !parts[1].equals(parts[2].substring(0, 2))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Digest(parts[0], parts[2]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    String uploadsPrefix() {
        return root + "uploads/";
    }

    static boolean isUploadId(String id) {
        return id != null && UPLOAD_ID.matcher(id).matches();
    }

    /** Every object of one upload starts with this. */
    String upload(String id) {
        if (!isUploadId(id)) {
            throw new IllegalArgumentException("not an upload id: " + id);
        }
        return uploadsPrefix() + id + "/";
    }

    String state(String id) {
        return upload(id) + "state";
    }

    String data(String id) {
        return upload(id) + "data";
    }

    String tail(String id, String token) {
        if (!TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("not a writer token: " + token);
        }
        return upload(id) + "tail-" + token;
    }

    /** The upload a key under {@code uploads/} belongs to, or empty for anything else. */
    Optional<String> uploadIdOf(String key) {
        if (!key.startsWith(uploadsPrefix())) {
            return Optional.empty();
        }
        String rest = key.substring(uploadsPrefix().length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        return isUploadId(id) ? Optional.of(id) : Optional.empty();
    }
}
