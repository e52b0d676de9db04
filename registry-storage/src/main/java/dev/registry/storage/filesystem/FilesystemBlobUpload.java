package dev.registry.storage.filesystem;

import dev.registry.storage.BlobInfo;
import dev.registry.storage.BlobUpload;
import dev.registry.storage.CopyBuffers;
import dev.registry.storage.Digest;
import dev.registry.storage.DigestMismatchException;
import dev.registry.storage.SizeMismatchException;
import dev.registry.storage.UploadBusyException;
import dev.registry.storage.UploadNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** One upload file; see {@link BlobUpload} for the contract and {@link FilesystemBlobStore}. */
final class FilesystemBlobUpload implements BlobUpload {

    private final String id;
    private final Path file;
    private final FilesystemLayout layout;
    private final UploadHashCache hashes;

    FilesystemBlobUpload(String id, Path file, FilesystemLayout layout, UploadHashCache hashes) {
        this.id = id;
        this.file = file;
        this.layout = layout;
        this.hashes = hashes;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long size() {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw new UploadNotFoundException(id);
        } catch (IOException e) {
            throw new dev.registry.storage.StorageException("cannot read upload " + id, e);
        }
    }

    @Override
    public long append(InputStream in, long expectedLength) throws IOException {
        try (FileChannel channel = openExisting(StandardOpenOption.WRITE, StandardOpenOption.READ);
             FileLock ignored = lock(channel)) {
            long start = channel.size();
            UploadHashCache.State state = hashes.take(id, start);
            MessageDigest sha256 = state != null ? state.sha256()
                    : start == 0 ? Digest.newMessageDigest("sha256") : null;
            MessageDigest rollback = sha256 == null ? null : cloneOf(sha256);
            channel.position(start);
            long written = 0;
            try {
                written = copy(in, channel, sha256, expectedLength);
                if (expectedLength >= 0 && written != expectedLength) {
                    throw new SizeMismatchException(expectedLength, written);
                }
            } catch (IOException | RuntimeException e) {
                channel.truncate(start);
                if (rollback != null) {
                    hashes.put(id, rollback, start);
                }
                throw e;
            }
            if (sha256 != null) {
                hashes.put(id, sha256, start + written);
            }
            return written;
        }
    }

    @Override
    public BlobInfo commit(Digest expected) throws IOException {
        try (FileChannel channel = openExisting(StandardOpenOption.WRITE, StandardOpenOption.READ);
             FileLock ignored = lock(channel)) {
            long size = channel.size();
            UploadHashCache.State state = hashes.take(id, size);
            Digest actual = state != null && expected.algorithm().equals("sha256")
                    ? Digest.fromMessageDigest("sha256", state.sha256())
                    : rehash(channel, expected.algorithm());
            if (!actual.equals(expected)) {
                Files.deleteIfExists(file);
                throw new DigestMismatchException(expected, actual);
            }
            Path target = layout.blob(expected);
            // durable before visible (issue 11, Faults 2): the bytes reach the disk before the rename
            // publishes them, and the rename (and any folder it needed) before the caller records the
            // blob and acknowledges the push
            channel.force(true);
            Path created = createDirectories(target.getParent());
            // rename is atomic; a concurrent commit of the same content replaces identical bytes
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(target.getParent());
            if (created != null) { // each new folder's entry is in its parent
                for (Path dir = target.getParent(); ; dir = dir.getParent()) {
                    forceDirectory(dir.getParent());
                    if (dir.equals(created)) {
                        break;
                    }
                }
            }
            return new BlobInfo(expected, size);
        }
    }

    /**
     * Creates {@code dir} and its missing parents; returns the topmost folder it created (whose
     * parent's entry must be forced too), or null when {@code dir} existed.
     */
    private static Path createDirectories(Path dir) throws IOException {
        Path topmost = null;
        for (Path d = dir; d != null && !Files.isDirectory(d); d = d.getParent()) {
            topmost = d;
        }
        if (topmost != null) { // an existing folder is not created again: that throws and catches inside the JDK
            Files.createDirectories(dir);
        }
        return topmost;
    }

    /**
     * Forces a folder's entries (a rename into it, a new sub-folder) to the disk: fsync of the
     * folder, as CNCF Distribution's filesystem driver and every database do. Supported on Linux
     * and macOS; where a folder cannot be opened as a channel (Windows) there is nothing to force.
     */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException notOnThisPlatform) {
            // Windows: folders are not files; NTFS journals the rename itself
        }
    }

    @Override
    public void cancel() {
        hashes.forget(id);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new dev.registry.storage.StorageException("cannot delete upload " + id, e);
        }
    }

    private FileChannel openExisting(StandardOpenOption... options) throws IOException {
        try {
            return FileChannel.open(file, options);
        } catch (NoSuchFileException e) {
            throw new UploadNotFoundException(id);
        }
    }

    private FileLock lock(FileChannel channel) throws IOException {
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new UploadBusyException(id);
            }
            return lock;
        } catch (OverlappingFileLockException e) {
            throw new UploadBusyException(id);
        }
    }

    /** Through a {@link CopyBuffers} buffer: of the announced length when that is shorter than 256 KiB (a 190-byte config allocates 190 bytes). */
    private static long copy(InputStream in, FileChannel channel, MessageDigest digest, long expectedLength) throws IOException {
        byte[] buffer = CopyBuffers.take(expectedLength);
        try {
            ByteBuffer wrapper = ByteBuffer.wrap(buffer);
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n == 0) {
                    continue;
                }
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                wrapper.clear().limit(n);
                while (wrapper.hasRemaining()) {
                    channel.write(wrapper);
                }
                total += n;
            }
            return total;
        } finally {
            CopyBuffers.give(buffer);
        }
    }

    private static Digest rehash(FileChannel channel, String algorithm) throws IOException {
        MessageDigest md = Digest.newMessageDigest(algorithm);
        byte[] bytes = CopyBuffers.take(-1);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long position = 0;
            int n;
            while ((n = channel.read(buffer.clear(), position)) > 0) {
                md.update(bytes, 0, n);
                position += n;
            }
            return Digest.fromMessageDigest(algorithm, md);
        } finally {
            CopyBuffers.give(bytes);
        }
    }

    private static MessageDigest cloneOf(MessageDigest md) {
        try {
            return (MessageDigest) md.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("JDK digest is not cloneable", e);
        }
    }
}
