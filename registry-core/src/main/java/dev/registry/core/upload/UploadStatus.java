package dev.registry.core.upload;

/** Where an upload stands: the bytes received so far and the smallest chunk the store takes. */
public record UploadStatus(String id, long size, long minimumChunkSize) {
}
