package dev.registry.api.distribution;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.ArtifactService;
import dev.registry.core.artifact.ManifestContent;
import dev.registry.core.artifact.MediaTypes;
import dev.registry.core.artifact.PushedManifest;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.proxy.ProxyProject;
import dev.registry.core.proxy.ProxyService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Manifests by tag or digest (distribution spec end-3, end-7, end-9): exact bytes out,
 * {@code Content-Type} and {@code Docker-Content-Digest}; {@code Accept} negotiation; push with
 * {@code OCI-Subject} when the manifest has a subject. In a proxy project a pull fetches what is not cached.
 */
@RestController
class ManifestController {

    private final ArtifactService artifacts;
    private final ProxyService proxies;

    ManifestController(ArtifactService artifacts, ProxyService proxies) {
        this.artifacts = artifacts;
        this.proxies = proxies;
    }

    @GetMapping(RepositoryPathFilter.MANIFEST_PATH)
    void get(RepositoryName name, @PathReference String reference,
             HttpServletRequest request, HttpServletResponse response) throws IOException {
        ManifestContent manifest = negotiated(name, reference, request, response);
        artifacts.pulled(name, reference, manifest.digest()); // a GET is a pull (a HEAD is not): counted off this path
        response.getOutputStream().write(manifest.content());
    }

    @RequestMapping(path = RepositoryPathFilter.MANIFEST_PATH, method = RequestMethod.HEAD)
    void head(RepositoryName name, @PathReference String reference,
              HttpServletRequest request, HttpServletResponse response) {
        negotiated(name, reference, request, response);
    }

    @PutMapping(RepositoryPathFilter.MANIFEST_PATH)
    void put(RepositoryName name, @PathReference String reference,
             HttpServletRequest request, HttpServletResponse response) throws IOException {
        Reference ref = Reference.parse(reference);
        if (request.getContentLengthLong() > ArtifactService.MAX_MANIFEST_BYTES) {
            throw new RegistryException(ErrorCode.MANIFEST_TOO_LARGE,
                    "manifest is larger than the limit of " + ArtifactService.MAX_MANIFEST_BYTES + " bytes");
        }
        byte[] content = request.getInputStream().readNBytes(ArtifactService.MAX_MANIFEST_BYTES + 1);
        PushedManifest pushed = artifacts.putManifest(name, ref, content, mediaType(request.getContentType()));
        response.setStatus(HttpStatus.CREATED.value());
        response.setHeader("Location", DistributionPaths.manifest(name, pushed.digest()));
        response.setHeader("Docker-Content-Digest", pushed.digest().toString());
        if (pushed.subject() != null) {
            response.setHeader("OCI-Subject", pushed.subject().toString());
        }
        response.setContentLength(0);
    }

    @DeleteMapping(RepositoryPathFilter.MANIFEST_PATH)
    void delete(RepositoryName name, @PathReference String reference,
                HttpServletResponse response) {
        artifacts.deleteManifest(name, Reference.parse(reference));
        response.setStatus(HttpStatus.ACCEPTED.value());
        response.setContentLength(0);
    }

    private ManifestContent negotiated(RepositoryName name, String reference, HttpServletRequest request,
                                       HttpServletResponse response) {
        Reference ref = pulled(reference);
        // a proxy project fetches what it lacks from its upstreams (ProxyService)
        Optional<ProxyProject> proxy = proxies.proxyProject(name.project());
        ManifestContent manifest = proxy.isPresent() ? proxies.manifest(proxy.get(), name, ref) : artifacts.getManifest(name, ref);
        List<String> accepted = acceptedManifestTypes(request);
        if (!accepted.isEmpty() && !accepted.contains(manifest.mediaType())) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference + " is "
                    + manifest.mediaType() + " but the client accepts only " + String.join(", ", accepted));
        }
        response.setContentType(manifest.mediaType());
        response.setHeader("Docker-Content-Digest", manifest.digest().toString());
        response.setHeader("ETag", "\"" + manifest.digest() + "\"");
        response.setContentLength(manifest.content().length);
        return manifest;
    }

    /**
     * The reference of a pull (GET, HEAD). A name no tag can have names nothing: 404
     * {@code MANIFEST_UNKNOWN}, as Distribution and the conformance suite expect ("Pulling
     * manifests"); a push under it stays {@code MANIFEST_INVALID}. A malformed digest stays
     * {@code DIGEST_INVALID}.
     */
    private static Reference pulled(String reference) {
        try {
            return Reference.parse(reference);
        } catch (RegistryException e) {
            if (e.code() != ErrorCode.MANIFEST_INVALID) {
                throw e;
            }
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: " + e.getMessage());
        }
    }

    /**
     * The manifest media types the client listed in {@code Accept}. Empty means "anything": the
     * client listed none (no header, {@code *}/{@code *}, or only non-manifest types).
     */
    private static List<String> acceptedManifestTypes(HttpServletRequest request) {
        return Collections.list(request.getHeaders("Accept")).stream()
                .flatMap(header -> java.util.Arrays.stream(header.split(",")))
                .map(ManifestController::mediaType)
                .filter(type -> type != null && (MediaTypes.isManifest(type) || MediaTypes.isSchema1(type)))
                .distinct().toList();
    }

    private static String mediaType(String header) {
        if (header == null) {
            return null;
        }
        int semicolon = header.indexOf(';');
        String type = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return type.isEmpty() ? null : type;
    }
}
