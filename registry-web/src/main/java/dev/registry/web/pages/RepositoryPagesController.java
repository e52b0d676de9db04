package dev.registry.web.pages;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectAccess;
import dev.registry.core.artifact.Accessory;
import dev.registry.core.artifact.ArtifactListing;
import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.ArtifactSummary;
import dev.registry.core.artifact.BlobService;
import dev.registry.core.artifact.ManifestContent;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.immutability.ImmutabilityRule;
import dev.registry.core.immutability.ImmutabilityService;
import dev.registry.core.project.ProjectService;
import dev.registry.storage.Digest;
import dev.registry.web.ConsolePaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A repository's pages (issue 13, pages 3 and 4): its artifacts, one artifact, and the confirmations and
 * deletions of a tag, an artifact and the repository. Addresses: {@link RepositoryLinks}.
 */
@Controller
class RepositoryPagesController {

    private static final String BASE = ConsolePaths.PROJECTS + "/{project}/repositories/{*rest}";

    private final AccessService access;
    private final ProjectService projects;
    private final ArtifactListing listing;
    private final ArtifactService artifacts;
    private final BlobService blobs;
    private final ImmutabilityService immutability;
    private final ConsoleFormat format;

    RepositoryPagesController(AccessService access, ProjectService projects, ArtifactListing listing, ArtifactService artifacts,
                         BlobService blobs, ImmutabilityService immutability, ConsoleFormat format) {
        this.access = access;
        this.projects = projects;
        this.listing = listing;
        this.artifacts = artifacts;
        this.blobs = blobs;
        this.immutability = immutability;
        this.format = format;
    }

    /** What a path under {@code /projects/<p>/repositories/} names; see {@link RepositoryLinks}. */
    private enum Page { ARTIFACTS, ARTIFACT, DELETE_ARTIFACT, DELETE_TAG, DELETE_REPOSITORY }

    private record Target(RepositoryName repository, Page page, String argument) {
        RepositoryLinks links() {
            return new RepositoryLinks(repository);
        }
    }

    private static Target parse(String project, String rest) {
        String path = rest.startsWith("/") ? rest.substring(1) : rest;
        int mark = path.indexOf(RepositoryLinks.MARK);
        String repository = mark < 0 ? path : path.substring(0, mark);
        String[] page = mark < 0 ? new String[0] : path.substring(mark + RepositoryLinks.MARK.length()).split("/", -1);
        if (repository.endsWith("/")) {
            repository = repository.substring(0, repository.length() - 1);
        }
        if (repository.isEmpty()) {
            return null;
        }
        RepositoryName name = new RepositoryName(project + "/" + repository);
        if (!name.project().equals(project)) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + name + " is not in project " + project);
        }
        Target target = switch (page.length) {
            case 0 -> new Target(name, Page.ARTIFACTS, null);
            case 1 -> page[0].equals("delete") ? new Target(name, Page.DELETE_REPOSITORY, null) : null;
            case 2 -> page[0].equals("artifacts") ? new Target(name, Page.ARTIFACT, digest(page[1])) : null;
            case 3 -> !page[2].equals("delete") ? null
                    : page[0].equals("artifacts") ? new Target(name, Page.DELETE_ARTIFACT, digest(page[1]))
                    : page[0].equals("tags") ? new Target(name, Page.DELETE_TAG, Reference.parse(page[1]).tag()) : null;
            default -> null;
        };
        if (target == null || target.page() == Page.DELETE_TAG && target.argument() == null) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "there is no page at " + ConsolePaths.PROJECTS + "/" + project
                    + "/repositories/" + path);
        }
        return target;
    }

    private static String digest(String value) {
        return Reference.parseDigest(value).toString();
    }

    @GetMapping(BASE)
    String get(Principal.User me, @PathVariable String project, @PathVariable String rest,
               @RequestParam(required = false) Integer page, @RequestParam(name = "page_size", required = false) Integer pageSize,
               Model model) {
        ProjectAccess allowed = access.require(me, project, Action.LIST_REPOSITORIES);
        Target target = parse(project, rest);
        if (target == null) {
            return "redirect:" + ConsolePaths.PROJECTS + "/" + project;
        }
        model.addAttribute("project", projects.require(project));
        model.addAttribute("access", allowed);
        model.addAttribute("repository", target.repository());
        model.addAttribute("links", target.links());
        return switch (target.page()) {
            case ARTIFACTS -> artifacts(target, allowed, page, pageSize, model);
            case ARTIFACT -> artifact(me, target, allowed, model);
            case DELETE_ARTIFACT -> confirmArtifact(me, target, model, null);
            case DELETE_TAG -> confirmTag(me, target, model, null);
            case DELETE_REPOSITORY -> confirmRepository(me, target, model, null);
        };
    }

    @PostMapping(BASE)
    String post(Principal.User me, @PathVariable String project, @PathVariable String rest, Model model,
                RedirectAttributes redirect) {
        ProjectAccess allowed = access.require(me, project, Action.LIST_REPOSITORIES);
        Target target = parse(project, rest);
        if (target == null || target.page() == Page.ARTIFACTS || target.page() == Page.ARTIFACT) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "nothing to post at " + ConsolePaths.PROJECTS + "/" + project
                    + "/repositories" + rest);
        }
        Action action = target.page() == Page.DELETE_TAG ? Action.DELETE_TAG : Action.DELETE_ARTIFACT;
        access.require(me, project, action);
        RepositoryName name = target.repository();
        try {
            switch (target.page()) {
                case DELETE_TAG -> artifacts.deleteManifest(name, Reference.parse(target.argument()));
                case DELETE_ARTIFACT -> artifacts.deleteArtifact(name, new Reference(null, Digest.parse(target.argument())));
                case DELETE_REPOSITORY -> artifacts.deleteRepository(name);
                default -> throw new IllegalStateException();
            }
        } catch (RegistryException e) {
            if (e.code() != ErrorCode.DENIED && e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            // refused by the service (an immutable tag): the confirmation again, with the service's words
            model.addAttribute("project", projects.require(project));
            model.addAttribute("access", allowed);
            model.addAttribute("repository", name);
            model.addAttribute("links", target.links());
            return switch (target.page()) {
                case DELETE_TAG -> confirmTag(me, target, model, e.getMessage());
                case DELETE_ARTIFACT -> confirmArtifact(me, target, model, e.getMessage());
                default -> confirmRepository(me, target, model, e.getMessage());
            };
        }
        redirect.addFlashAttribute("notice", switch (target.page()) {
            case DELETE_TAG -> "Tag " + target.argument() + " removed.";
            case DELETE_ARTIFACT -> "Artifact " + target.argument() + " deleted.";
            default -> "Repository " + name + " deleted.";
        });
        boolean repositoryLeft = target.page() != Page.DELETE_REPOSITORY && listing.exists(name);
        return "redirect:" + (repositoryLeft ? target.links().artifacts() : target.links().project());
    }

    private String artifacts(Target target, ProjectAccess allowed, Integer page, Integer pageSize, Model model) {
        RepositoryName name = target.repository();
        PageWindow window = PageWindow.of(page, pageSize, target.links().artifacts(), Map.of());
        ArtifactListing.SearchPage<ArtifactSummary> found = listing.artifacts(name, window.offset(), window.size());
        List<ArtifactSummary> listed = found.items();
        long total = found.total();
        Map<String, ImmutabilityRule> immutable = immutability.protecting(name, ArtifactRows.tagsOf(listed));
        Map<String, Instant> pulled = listing.lastPulled(name, listed.stream().map(ArtifactSummary::digest).toList());
        String host = format.host();
        model.addAttribute("rows", listed.stream()
                .map(a -> ArtifactRows.row(a, name, host, immutable, pulled, ArtifactRows.TAGS_SHOWN)).toList());
        model.addAttribute("window", window.withTotal(total));
        model.addAttribute("mayDeleteArtifact", allowed.may(Action.DELETE_ARTIFACT));
        model.addAttribute("mayDeleteTag", allowed.may(Action.DELETE_TAG));
        return "repository";
    }

    private String artifact(Principal.User me, Target target, ProjectAccess allowed, Model model) {
        access.require(me, target.repository().project(), Action.PULL); // the page shows the manifest and config
        RepositoryName name = target.repository();
        Reference reference = new Reference(null, Digest.parse(target.argument()));
        ArtifactSummary summary = listing.artifact(name, reference);
        Map<String, ImmutabilityRule> immutable = immutability.protecting(name, ArtifactRows.tagsOf(List.of(summary)));
        Map<String, Instant> pulled = listing.lastPulled(name, List.of(summary.digest()));
        ArtifactRows.ArtifactRow row = ArtifactRows.row(summary, name, format.host(), immutable, pulled, Integer.MAX_VALUE);
        ManifestContent content = artifacts.getManifest(name, reference);
        ArtifactDetails.Manifest manifest = ArtifactDetails.manifest(content.content());
        model.addAttribute("row", row);
        model.addAttribute("manifest", manifest);
        model.addAttribute("children", summary.references().stream().map(r -> new Child(r.digest(), ArtifactRows.shortDigest(r.digest()),
                r.mediaType(), r.platform() == null ? null : ArtifactKind.platform(r.platform()), r.size())).toList());
        if (manifest.config() != null && ArtifactKind.IMAGE_CONFIGS.contains(manifest.config().mediaType())) {
            readConfig(name, manifest.config(), model);
        }
        model.addAttribute("mayDeleteArtifact", allowed.may(Action.DELETE_ARTIFACT));
        model.addAttribute("mayDeleteTag", allowed.may(Action.DELETE_TAG));
        return "artifact";
    }

    /** An index's entry: the child's page is its digest's. */
    record Child(String digest, String shortDigest, String mediaType, String platform, Long size) {
    }

    /** Reads the image config through the blob service, at most {@link ArtifactDetails#MAX_CONFIG_BYTES}. */
    private void readConfig(RepositoryName name, ArtifactDetails.Blob descriptor, Model model) {
        Digest digest;
        try {
            digest = Digest.parse(descriptor.digest());
        } catch (RuntimeException e) {
            model.addAttribute("configNote", "the config's digest is not valid");
            return;
        }
        long size;
        try {
            size = blobs.requireLinked(name, digest);
        } catch (RegistryException e) {
            model.addAttribute("configNote", "the config blob is not stored in this repository");
            return;
        }
        if (size > ArtifactDetails.MAX_CONFIG_BYTES) {
            model.addAttribute("configNote", "the config is " + size + " bytes, more than the console renders ("
                    + format.bytes(ArtifactDetails.MAX_CONFIG_BYTES) + "); it is not shown");
            return;
        }
        byte[] bytes;
        try (InputStream in = blobs.open(digest, 0)) {
            bytes = in.readNBytes((int) ArtifactDetails.MAX_CONFIG_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ArtifactDetails.Config config = ArtifactDetails.config(bytes);
        if (config == null) {
            model.addAttribute("configNote", "the config is not a JSON object");
        }
        model.addAttribute("config", config);
    }

    private String confirmArtifact(Principal.User me, Target target, Model model, String error) {
        access.require(me, target.repository().project(), Action.DELETE_ARTIFACT);
        RepositoryName name = target.repository();
        ArtifactSummary summary = listing.artifact(name, new Reference(null, Digest.parse(target.argument())));
        Map<String, ImmutabilityRule> immutable = immutability.protecting(name, ArtifactRows.tagsOf(List.of(summary)));
        ArtifactRows.ArtifactRow row = ArtifactRows.row(summary, name, format.host(), immutable, Map.of(), Integer.MAX_VALUE);
        List<String> goes = new ArrayList<>();
        goes.add("the " + row.kind().label() + " " + summary.digest() + " (" + format.bytes(summary.size()) + ")");
        goes.add(summary.tags().isEmpty() ? "no tag (it has none)"
                : "its " + (summary.tags().size() == 1 ? "tag " : summary.tags().size() + " tags ") + String.join(", ", summary.tags()));
        for (Accessory x : summary.accessories()) {
            goes.add("its " + x.type() + " " + x.digest() + (x.tags().isEmpty() ? "" : " (tags " + String.join(", ", x.tags()) + ")")
                    + " and what is attached to it");
        }
        return confirm(model, "Delete artifact " + row.shortDigest(), "Delete artifact " + summary.digest() + " of " + name + "?",
                goes, target.links().deleteArtifact(summary.digest()), target.links().artifacts(),
                row.deletable() ? null : "An immutable tag protects this artifact or an accessory of it: the deletion would be refused.",
                error, "Delete artifact");
    }

    private String confirmTag(Principal.User me, Target target, Model model, String error) {
        access.require(me, target.repository().project(), Action.DELETE_TAG);
        RepositoryName name = target.repository();
        String tag = target.argument();
        ArtifactSummary summary = listing.artifact(name, Reference.parse(tag));
        List<String> others = summary.tags().stream().filter(t -> !t.equals(tag)).toList();
        List<String> goes = List.of("the tag " + tag + " only; the artifact " + summary.digest() + " stays"
                + (others.isEmpty() ? ", with no tag left" : ", with its other tags " + String.join(", ", others)));
        String blocked = immutability.protecting(name, tag).map(rule -> "The tag is immutable (" + rule.describe()
                + "): removing it would be refused.").orElse(null);
        return confirm(model, "Remove tag " + tag, "Remove tag " + tag + " from " + name + "?", goes,
                target.links().deleteTag(tag), target.links().artifacts(), blocked, error, "Remove tag");
    }

    private String confirmRepository(Principal.User me, Target target, Model model, String error) {
        access.require(me, target.repository().project(), Action.DELETE_ARTIFACT);
        RepositoryName name = target.repository();
        ArtifactListing.Contents contents = listing.contents(name);
        List<String> goes = List.of(contents.artifacts() + (contents.artifacts() == 1 ? " artifact" : " artifacts")
                        + (contents.manifests() == contents.artifacts() ? ""
                        : " (" + contents.manifests() + " manifests in all, with index children and accessories)"),
                contents.tags() + (contents.tags() == 1 ? " tag" : " tags"));
        return confirm(model, "Delete repository " + name.pathInProject(), "Delete repository " + name + " with everything in it?",
                goes, target.links().deleteRepository(), target.links().project(), null, error, "Delete repository");
    }

    private static String confirm(Model model, String title, String question, List<String> goes, String action, String back,
                                  String blocked, String error, String button) {
        model.addAttribute("title", title);
        model.addAttribute("question", question);
        model.addAttribute("goes", goes);
        model.addAttribute("action", action);
        model.addAttribute("back", back);
        model.addAttribute("blocked", blocked);
        model.addAttribute("error", error);
        model.addAttribute("button", button);
        return "confirm-delete";
    }
}
