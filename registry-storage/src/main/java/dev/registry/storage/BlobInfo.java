package dev.registry.storage;

/** A verified blob: its content address and its length in bytes. */
public record BlobInfo(Digest digest, long size) {
}
