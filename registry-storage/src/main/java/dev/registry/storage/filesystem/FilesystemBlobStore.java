package dev.registry.storage.filesystem;

import dev.registry.storage.BlobInfo;
import dev.registry.storage.BlobNotFoundException;
import dev.registry.storage.BlobStore;
import dev.registry.storage.BlobUpload;
import dev.registry.storage.Digest;
import dev.registry.storage.UploadNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The embedded default store: blobs as files under one root (layout in {@link FilesystemLayout}).
 *
 * <p>Safe for several processes sharing the root (e.g. replicas on one shared volume): appends
 * take an OS file lock on the upload file, publication is an atomic rename, and a digest state
 * cached in one process is only a shortcut; any process can re-hash the upload file.
 */
public final class FilesystemBlobStore implements BlobStore {

    private final FilesystemLayout layout;
    private final UploadHashCache hashes = new UploadHashCache();

    public FilesystemBlobStore(Path root) {
        this.layout = new FilesystemLayout(root);
        try {
            Files.createDirectories(layout.blobsRoot());
            Files.createDirectories(layout.uploadsRoot());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create storage root " + layout.root(), e);
        }
    }

    public Path root() {
        return layout.root();
    }

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
        try {
            return Optional.of(new BlobInfo(digest, Files.size(layout.blob(digest))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InputStream open(Digest digest, long offset) throws IOException {
        try {
            FileChannel channel = FileChannel.open(layout.blob(digest), StandardOpenOption.READ);
            channel.position(offset);
            return Channels.newInputStream(channel);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(digest);
        }
    }

    @Override
    public Optional<Path> localFile(Digest digest) {
        Path file = layout.blob(digest);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public boolean delete(Digest digest) throws IOException {
        return Files.deleteIfExists(layout.blob(digest));
    }

    @Override
    public void walk(Consumer<BlobInfo> visitor) throws IOException {
        try (Stream<Path> files = Files.walk(layout.blobsRoot())) {
            files.filter(Files::isRegularFile).forEach(file -> layout.digestOf(file).ifPresent(digest -> {
                try {
                    visitor.accept(new BlobInfo(digest, Files.size(file)));
                } catch (NoSuchFileException gone) {
                    // deleted while walking: not a blob any more
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
    }

    @Override
    public BlobUpload startUpload() throws IOException {
        String id = UUID.randomUUID().toString();
        Path file = layout.upload(id).orElseThrow();
        Files.createFile(file);
        return new FilesystemBlobUpload(id, file, layout, hashes);
    }

    @Override
    public BlobUpload resumeUpload(String uploadId) {
        Path file = layout.upload(uploadId).filter(Files::isRegularFile)
                .orElseThrow(() -> new UploadNotFoundException(uploadId));
        return new FilesystemBlobUpload(uploadId, file, layout, hashes);
    }

    @Override
    public int purgeUploadsOlderThan(Instant cutoff) throws IOException {
        int removed = 0;
        try (Stream<Path> files = Files.list(layout.uploadsRoot())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (java.nio.file.NoSuchFileException finished) {
                    continue; // an upload committed (moved into blobs/) or cancelled since the listing
                }
                if (attrs.lastModifiedTime().toInstant().isBefore(cutoff) && Files.deleteIfExists(file)) {
                    hashes.forget(file.getFileName().toString());
                    removed++;
                }
            }
        }
        return removed;
    }

    @Override
    public String kind() {
        return "filesystem";
    }

    @Override
    public void checkHealth() throws IOException {
        if (!Files.isDirectory(layout.blobsRoot()) || !Files.isWritable(layout.uploadsRoot())) {
            throw new IOException("storage root " + layout.root() + " is not a writable directory");
        }
    }
}
