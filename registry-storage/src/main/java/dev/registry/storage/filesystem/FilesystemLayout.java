package dev.registry.storage.filesystem;

import dev.registry.storage.Digest;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every path the filesystem store uses, produced here and nowhere else.
 *
 * <pre>
 * &lt;root&gt;/
 *   blobs/                         verified content, immutable, one file per digest
 *     sha256/
 *       ab/
 *         abcdef0123…              bytes of blob sha256:abcdef0123…
 *     sha512/…
 *   uploads/                       open upload sessions (same filesystem, so commit is a rename)
 *     3f1c…-uuid                   bytes received so far
 * </pre>
 *
 * Uploads live on the same filesystem as blobs so that publishing a verified upload is one atomic
 * rename: a reader sees either no blob or the whole blob, never a prefix.
 */
final class FilesystemLayout {

    private static final Pattern UPLOAD_ID = Pattern.compile("[a-f0-9-]{36}");

    private final Path root;

    FilesystemLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    Path blobsRoot() {
        return root.resolve("blobs");
    }

    Path uploadsRoot() {
        return root.resolve("uploads");
    }

    Path blob(Digest digest) {
        return blobsRoot().resolve(digest.algorithm()).resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
    }

    /** The upload file, or empty when the id is not one this store could have produced. */
    Optional<Path> upload(String uploadId) {
        if (uploadId == null || !UPLOAD_ID.matcher(uploadId).matches()) {
            return Optional.empty();
        }
        return Optional.of(uploadsRoot().resolve(uploadId));
    }

    /** The digest a blob path stands for, or empty for anything else found under blobs/. */
    Optional<Digest> digestOf(Path blobFile) {
        Path rel = blobsRoot().relativize(blobFile);
        if (rel.getNameCount() != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Digest(rel.getName(0).toString(), rel.getName(2).toString()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
