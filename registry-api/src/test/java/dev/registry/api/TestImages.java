package dev.registry.api;

import dev.registry.core.artifact.MediaTypes;

/** Manifest JSON for tests, built from digests and sizes of blobs the test pushed. */
public final class TestImages {

    public static final String OCI_MANIFEST = MediaTypes.OCI_MANIFEST;
    public static final String OCI_INDEX = MediaTypes.OCI_INDEX;
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String DOCKER_MANIFEST = MediaTypes.DOCKER_MANIFEST;
    public static final String DOCKER_LIST = MediaTypes.DOCKER_MANIFEST_LIST;

    private TestImages() {
    }

    public static String ociManifest(String configDigest, long configSize, String layerDigest, long layerSize) {
        return """
                {"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","digest":"%s","size":%d},\
                "layers":[{"mediaType":"%s","digest":"%s","size":%d}]}"""
                .formatted(OCI_MANIFEST, OCI_CONFIG, configDigest, configSize, OCI_LAYER, layerDigest, layerSize);
    }

    public static String ociIndex(String... manifestDigestsAndSizes) {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < manifestDigestsAndSizes.length; i += 2) {
            if (!entries.isEmpty()) {
                entries.append(',');
            }
            entries.append("{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%s,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}"
                    .formatted(OCI_MANIFEST, manifestDigestsAndSizes[i], manifestDigestsAndSizes[i + 1]));
        }
        return "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":[%s]}".formatted(OCI_INDEX, entries);
    }

    /** An artifact manifest (empty config, {@code artifactType}) whose subject is the given manifest. */
    public static String artifactWithSubject(String artifactType, String emptyConfigDigest, String layerDigest,
                                             long layerSize, String subjectDigest, long subjectSize) {
        return """
                {"schemaVersion":2,"mediaType":"%s","artifactType":"%s",\
                "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},\
                "layers":[{"mediaType":"application/octet-stream","digest":"%s","size":%d}],\
                "subject":{"mediaType":"%s","digest":"%s","size":%d},\
                "annotations":{"org.example.kind":"test"}}"""
                .formatted(OCI_MANIFEST, artifactType, emptyConfigDigest, layerDigest, layerSize, OCI_MANIFEST,
                        subjectDigest, subjectSize);
    }
}
