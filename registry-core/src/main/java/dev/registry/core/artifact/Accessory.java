package dev.registry.core.artifact;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A manifest that belongs to another one of the same repository, its subject (Harbor calls these
 * accessories: "Cosign signs OCI artifacts and pushes the generated signature into Harbor. This signature
 * is stored as an artifact accessory along side the signed artifact", goharbor.io, "Sign Artifacts with
 * Cosign or Notation"). It is shown under its subject, not on its own, and retention and garbage collection
 * keep and delete it with its subject. Two shapes are recognised:
 *
 * <ul>
 * <li>{@link #BY_SUBJECT}: an OCI 1.1 referrer, a manifest whose {@code subject} is the other manifest
 * (image spec "subject"; cosign's OCI 1.1 mode pushes its signature so, with {@code artifactType}
 * {@code application/vnd.dev.cosign.artifact.sig.v1+json});</li>
 * <li>{@link #BY_TAG}: cosign's tag schema, a manifest tagged {@code sha256-<hex>.sig}, {@code .att} or
 * {@code .sbom} where {@code sha256:<hex>} is the subject's digest (cosign: "Attachment images are tagged
 * as: {@code [AttachmentTagPrefix]sha256-[TargetImageDigest].[AttachmentName]}", {@code cosign triangulate};
 * the tag is a signature, an attestation or an SBOM by its suffix).</li>
 * </ul>
 *
 * Only a subject present in the same repository makes a manifest an accessory; a signature stored
 * elsewhere ({@code COSIGN_REPOSITORY}) or pushed before its subject is an artifact of its own.
 *
 * @param type         {@code signature}, {@code attestation}, {@code sbom} or {@code referrer} (any other
 *                     manifest with a subject): by the tag's suffix, else by the artifact type ({@link #type})
 * @param attachedBy   {@link #BY_SUBJECT} or {@link #BY_TAG}
 * @param artifactType as {@link ArtifactSummary#artifactType()}
 * @param size         as {@link ArtifactSummary#size()}
 * @param tags         the tags pointing at it (a {@link #BY_TAG} accessory's schema tag among them)
 */
public record Accessory(String digest, String mediaType, String artifactType, String type, String attachedBy, long size,
                        Instant pushedAt, List<String> tags) {

    public static final String BY_SUBJECT = "subject";
    public static final String BY_TAG = "tag";

    public static final String SIGNATURE = "signature";
    public static final String ATTESTATION = "attestation";
    public static final String SBOM = "sbom";
    public static final String REFERRER = "referrer";

    /** cosign's attachment tag: {@code sha256-<64 hex>.sig|att|sbom} (lower-case hex, as digests are stored). */
    private static final Pattern SCHEMA_TAG = Pattern.compile("sha256-([0-9a-f]{64})\\.(sig|att|sbom)");

    private static final Set<String> SIGNATURES = Set.of("application/vnd.dev.cosign.artifact.sig.v1+json",
            "application/vnd.cncf.notary.signature");
    private static final Set<String> ATTESTATIONS = Set.of("application/vnd.in-toto+json", "application/vnd.dsse.envelope.v1+json");
    private static final Set<String> SBOMS = Set.of("application/spdx+json", "text/spdx", "application/vnd.cyclonedx+json",
            "application/vnd.cyclonedx+xml", "application/vnd.goharbor.harbor.sbom.v1");

    public Accessory {
        tags = List.copyOf(tags);
    }

    /** The subject digest ({@code sha256:<hex>}) a cosign attachment tag names, or empty for any other tag. */
    public static Optional<String> subjectOfTag(String tag) {
        Matcher m = SCHEMA_TAG.matcher(tag);
        return m.matches() ? Optional.of("sha256:" + m.group(1)) : Optional.empty();
    }

    /** The three attachment tags cosign would give accessories of the manifest {@code digest} (none for a non-sha256 digest). */
    public static List<String> tagsFor(String digest) {
        if (!digest.startsWith("sha256:")) {
            return List.of();
        }
        String prefix = "sha256-" + digest.substring("sha256:".length());
        return List.of(prefix + ".sig", prefix + ".att", prefix + ".sbom");
    }

    /** The type an attachment tag gives: {@code .sig} a signature, {@code .att} an attestation, {@code .sbom} an SBOM. */
    public static String typeOfTag(String tag) {
        return tag.endsWith(".sig") ? SIGNATURE : tag.endsWith(".att") ? ATTESTATION : SBOM;
    }

    /**
     * The type of a referrer by its artifact type: cosign's and Notation's signatures and sigstore bundles are
     * signatures; in-toto statements and DSSE envelopes attestations; SPDX, CycloneDX and Harbor's SBOMs SBOMs;
     * anything else {@code referrer}.
     */
    public static String type(String artifactType) {
        if (artifactType == null) {
            return REFERRER;
        }
        if (SIGNATURES.contains(artifactType) || artifactType.startsWith("application/vnd.dev.sigstore.bundle")) {
            return SIGNATURE;
        }
        return ATTESTATIONS.contains(artifactType) ? ATTESTATION : SBOMS.contains(artifactType) ? SBOM : REFERRER;
    }
}
