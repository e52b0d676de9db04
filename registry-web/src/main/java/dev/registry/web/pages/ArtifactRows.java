package dev.registry.web.pages;

import dev.registry.core.artifact.Accessory;
import dev.registry.core.artifact.ArtifactSummary;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.immutability.ImmutabilityRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rows of the artifacts page and the artifact page: an artifact as the console shows it. */
final class ArtifactRows {

    /** At most this many tags of one artifact are shown in its row (all of them are on its artifact page). */
    static final int TAGS_SHOWN = 10;
    /** Pull commands by tag are offered for at most this many of an artifact's tags. */
    static final int COMMAND_TAGS = 3;

    private ArtifactRows() {
    }

    /** A tag, and the immutability rule protecting it (null: none). */
    record TagView(String name, ImmutabilityRule rule) {
        public boolean immutable() {
            return rule != null;
        }
    }

    /** A copyable command (or reference) with what it does. */
    record Command(String label, String text) {
    }

    record AccessoryRow(Accessory accessory, String label, String shortDigest, List<TagView> tags) {
    }

    /**
     * @param moreTags    tags of the artifact not in {@code tags}
     * @param deletable   no immutable tag is on it or its accessories (the deletion would be refused)
     */
    record ArtifactRow(ArtifactSummary artifact, ArtifactKind kind, String shortDigest, List<TagView> tags, int moreTags,
                       Instant lastPulled, List<Command> commands, List<AccessoryRow> accessories, boolean deletable) {
    }

    static ArtifactRow row(ArtifactSummary a, RepositoryName repository, String host, Map<String, ImmutabilityRule> immutable,
                           Map<String, Instant> pulled, int tagsShown) {
        ArtifactKind kind = ArtifactKind.of(a.mediaType(), a.artifactType(), a.references());
        List<TagView> tags = a.tags().stream().limit(tagsShown).map(t -> new TagView(t, immutable.get(t))).toList();
        List<AccessoryRow> accessories = a.accessories().stream().map(x -> new AccessoryRow(x,
                label(x),
                shortDigest(x.digest()), x.tags().stream().map(t -> new TagView(t, immutable.get(t))).toList())).toList();
        boolean deletable = a.tags().stream().noneMatch(immutable::containsKey) && a.accessories().stream()
                .flatMap(x -> x.tags().stream()).filter(t -> Accessory.subjectOfTag(t).isEmpty()).noneMatch(immutable::containsKey);
        return new ArtifactRow(a, kind, shortDigest(a.digest()), tags, a.tags().size() - tags.size(), pulled.get(a.digest()),
                commands(host, repository, kind, a), accessories, deletable);
    }

    /** Every tag named on the page: the artifacts' and their accessories' (to ask for immutability in one go). */
    static List<String> tagsOf(List<ArtifactSummary> artifacts) {
        List<String> tags = new ArrayList<>();
        artifacts.forEach(a -> {
            tags.addAll(a.tags());
            a.accessories().forEach(x -> tags.addAll(x.tags()));
        });
        return tags;
    }

    private static String label(Accessory x) {
        return switch (x.type()) {
            case Accessory.SBOM -> "SBOM";
            default -> x.type();
        };
    }

    /** {@code sha256:0123456789ab}: the algorithm and the first 12 hex digits, as docker prints image ids. */
    static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
    }

    /**
     * Pull commands: a Helm chart by {@code helm pull oci://… --version <tag>}; an image or index by
     * {@code docker pull} and {@code podman pull}, by tag and by digest; anything else its reference by digest
     * (for a client of that artifact type, such as oras).
     */
    static List<Command> commands(String host, RepositoryName repository, ArtifactKind kind, ArtifactSummary a) {
        String name = host + "/" + repository.value();
        List<String> tags = a.tags().stream().filter(t -> Accessory.subjectOfTag(t).isEmpty()).limit(COMMAND_TAGS).toList();
        List<Command> commands = new ArrayList<>();
        if (kind.helmChart()) {
            tags.forEach(t -> commands.add(new Command("Helm, version " + t, "helm pull oci://" + name + " --version " + t)));
            commands.add(new Command("Reference by digest", name + "@" + a.digest()));
        } else if (kind.image()) {
            tags.forEach(t -> {
                commands.add(new Command("Docker, tag " + t, "docker pull " + name + ":" + t));
                commands.add(new Command("Podman, tag " + t, "podman pull " + name + ":" + t));
            });
            commands.add(new Command("Docker, by digest", "docker pull " + name + "@" + a.digest()));
            commands.add(new Command("Podman, by digest", "podman pull " + name + "@" + a.digest()));
        } else {
            commands.add(new Command("Reference by digest", name + "@" + a.digest()));
        }
        return commands;
    }
}
