package dev.registry.core.artifact;

import java.util.List;

/**
 * What the registry needs to know about a manifest, parsed from its exact bytes.
 *
 * @param mediaType    one of {@link MediaTypes#IMAGES} or {@link MediaTypes#INDEXES}
 * @param artifactType the manifest's {@code artifactType}, else an image's config media type
 *                     (the value the referrers API reports), else null
 * @param blobs        config and layers: must be linked in the repository
 * @param children     index entries: must be manifests in the repository
 * @param subject      the manifest this one refers to (referrers API), or null
 * @param annotations  the {@code annotations} object as JSON text, or null
 */
public record ParsedManifest(String mediaType, String artifactType, List<Descriptor> blobs,
                             List<Descriptor> children, Descriptor subject, String annotations) {
}
