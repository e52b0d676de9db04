package dev.registry.web.pages;

import dev.registry.core.artifact.Accessory;
import dev.registry.core.artifact.ArtifactReference;
import dev.registry.core.artifact.MediaTypes;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an artifact is, as the artifacts page names it: a multi-platform index (with its platforms), a Helm
 * chart (by its config media type), a signature, an attestation or an SBOM (by its artifact type, as
 * {@link Accessory#type} tells them apart), an image (an image config), or another artifact (named by its
 * {@code artifactType}).
 *
 * @param label     what the page prints
 * @param detail    the platforms of an index, the artifact type of another artifact; null otherwise
 */
public record ArtifactKind(String label, String detail, boolean helmChart, boolean image) {

    public static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    static final Set<String> IMAGE_CONFIGS = Set.of("application/vnd.oci.image.config.v1+json",
            "application/vnd.docker.container.image.v1+json");

    static ArtifactKind of(String mediaType, String artifactType, List<ArtifactReference> references) {
        if (MediaTypes.INDEXES.contains(mediaType)) {
            List<String> platforms = references.stream().map(ArtifactReference::platform).filter(Objects::nonNull)
                    .map(ArtifactKind::platform).distinct().toList();
            return platforms.isEmpty() ? new ArtifactKind("index", artifactType, false, true)
                    : new ArtifactKind("multi-platform index", String.join(", ", platforms), false, true);
        }
        if (HELM_CONFIG.equals(artifactType)) {
            return new ArtifactKind("Helm chart", null, true, false);
        }
        if (artifactType == null || IMAGE_CONFIGS.contains(artifactType)) {
            return new ArtifactKind("image", null, false, true);
        }
        return switch (Accessory.type(artifactType)) {
            case Accessory.SIGNATURE -> new ArtifactKind("signature", artifactType, false, false);
            case Accessory.ATTESTATION -> new ArtifactKind("attestation", artifactType, false, false);
            case Accessory.SBOM -> new ArtifactKind("SBOM", artifactType, false, false);
            default -> new ArtifactKind("artifact", artifactType, false, false);
        };
    }

    /** {@code linux/arm64/v8}, as docker and podman name platforms. */
    static String platform(ArtifactReference.Platform p) {
        return (p.os() == null ? "?" : p.os()) + "/" + (p.architecture() == null ? "?" : p.architecture())
                + (p.variant() == null ? "" : "/" + p.variant());
    }
}
