package dev.registry.api.distribution;

import dev.registry.api.config.RequestAdmission;
import dev.registry.api.config.RegistryProperties;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.BlobService;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.proxy.ProxyProject;
import dev.registry.core.proxy.ProxyService;
import dev.registry.storage.CopyBuffers;
import dev.registry.storage.Digest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Blobs: {@code HEAD}/{@code GET} (with {@code Range} → 206) and {@code DELETE}
 * (distribution spec end-2, end-10). Bytes stream through a 256 KiB buffer, or through Tomcat's
 * zero-copy sendfile when {@code registry.http.sendfile} is on and the store keeps local files;
 * a store that offers presigned URLs answers 307 to a URL valid for
 * {@code registry.storage.s3.redirect-lifetime}. In a proxy project a blob not cached yet is fetched from the
 * upstream and streamed to the client while it is stored ({@code ProxyService#fetchBlob}).
 */
@RestController
class BlobController {

    private static final String SENDFILE_SUPPORT = "org.apache.tomcat.sendfile.support";
    private static final String SENDFILE_FILE = "org.apache.tomcat.sendfile.filename";
    private static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
    private static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";
    private final BlobService blobs;
    private final ProxyService proxies;
    private final boolean sendfile;
    private final Duration redirectLifetime;

    BlobController(BlobService blobs, ProxyService proxies, RegistryProperties properties) {
        this.blobs = blobs;
        this.proxies = proxies;
        this.sendfile = properties.http().sendfile();
        this.redirectLifetime = properties.storage().s3().redirectLifetime();
    }

    @RequestMapping(path = RepositoryPathFilter.BLOB_PATH, method = RequestMethod.HEAD)
    void head(RepositoryName name, @PathReference String digest,
              HttpServletResponse response) throws IOException {
        Digest d = Reference.parseDigest(digest);
        Optional<ProxyProject> proxy = missingInProxy(name, d);
        if (proxy.isPresent()) {
            proxies.fetchBlob(proxy.get(), name, d, null); // stored, then answered like any other
        }
        // a HEAD is how clients decide to skip an upload: it restarts the grace of a GC candidate
        long size = blobs.confirmLinked(name, d);
        contentHeaders(response, d);
        response.setContentLengthLong(size);
    }

    @GetMapping(RepositoryPathFilter.BLOB_PATH)
    void get(RepositoryName name, @PathReference String digest,
             @RequestHeader(name = "Range", required = false) String rangeHeader,
             HttpServletRequest request, HttpServletResponse response) throws IOException {
        Digest d = Reference.parseDigest(digest);
        Optional<Long> linked = blobs.linkedSize(name, d);
        Optional<ProxyProject> proxy = linked.isPresent() ? Optional.empty() : proxies.proxyProject(name.project());
        if (proxy.isPresent() && rangeHeader == null && streamedFromUpstream(proxy.get(), name, d, request, response)) {
            return;
        } else if (proxy.isPresent() && rangeHeader != null) {
            proxies.fetchBlob(proxy.get(), name, d, null); // a range of a blob not cached yet: the whole blob first
        }
        // one query when the blob is here (every pull's layers); asked again after a fetch, or to refuse it
        long size = linked.isPresent() ? linked.get() : blobs.requireLinked(name, d);
        Optional<java.net.URI> redirect = blobs.redirectUrl(d, redirectLifetime);
        if (redirect.isPresent()) {
            response.setStatus(HttpStatus.TEMPORARY_REDIRECT.value());
            response.setHeader("Location", redirect.get().toString());
            response.setHeader("Docker-Content-Digest", d.toString());
            return;
        }
        ByteRange range;
        try {
            range = ByteRange.ofRequest(rangeHeader, size);
        } catch (RegistryException e) {
            response.setHeader("Content-Range", "bytes */" + size);
            throw e;
        }
        long start = range == null ? 0 : range.start();
        long length = range == null ? size : range.length();
        // find the bytes before writing any header, so a failure still gets a clean error response
        Optional<Path> file = sendfile && length > 0 && Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORT))
                ? blobs.localFile(d) : Optional.empty();
        try (InputStream in = file.isPresent() ? null : blobs.open(d, start)) {
            contentHeaders(response, d);
            if (range != null) {
                response.setStatus(HttpStatus.PARTIAL_CONTENT.value());
                response.setHeader("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + size);
            }
            response.setContentLengthLong(length);
            if (file.isPresent()) {
                request.setAttribute(SENDFILE_FILE, file.get().toRealPath().toString());
                request.setAttribute(SENDFILE_START, start);
                request.setAttribute(SENDFILE_END, start + length);
                return;
            }
            if (length > RequestAdmission.LONG_TRANSFER) {
                RequestAdmission.releaseForTransfer(request);
            }
            copy(in, response.getOutputStream(), length);
        }
    }

    /** The proxy project to fetch the blob from, when the repository is in one and lacks the blob. */
    private Optional<ProxyProject> missingInProxy(RepositoryName name, Digest digest) {
        Optional<ProxyProject> proxy = proxies.proxyProject(name.project());
        return proxy.isPresent() && blobs.linkedSize(name, digest).isEmpty() ? proxy : Optional.empty();
    }

    /**
     * Fetches an uncached blob from the proxy project's upstream, streaming it to this client while it is stored;
     * false when another request fetched it meanwhile (serve it from the store).
     */
    private boolean streamedFromUpstream(ProxyProject proxy, RepositoryName name, Digest digest, HttpServletRequest request,
                                         HttpServletResponse response) throws IOException {
        RequestAdmission.releaseForTransfer(request);
        return proxies.fetchBlob(proxy, name, digest, length -> {
            contentHeaders(response, digest);
            if (length >= 0) {
                response.setContentLengthLong(length);
            }
            return response.getOutputStream();
        }) == ProxyService.Fetched.STREAMED;
    }

    @DeleteMapping(RepositoryPathFilter.BLOB_PATH)
    void delete(RepositoryName name, @PathReference String digest,
                HttpServletResponse response) {
        blobs.unlink(name, Reference.parseDigest(digest));
        response.setStatus(HttpStatus.ACCEPTED.value());
        response.setContentLength(0);
    }

    private static void contentHeaders(HttpServletResponse response, Digest digest) {
        response.setContentType("application/octet-stream");
        response.setHeader("Docker-Content-Digest", digest.toString());
        response.setHeader("ETag", "\"" + digest + "\"");
        response.setHeader("Accept-Ranges", "bytes");
        response.setHeader("Cache-Control", "max-age=31536000");
    }

    /**
     * Copies through a {@link CopyBuffers} buffer: of the blob's size when under 256 KiB (a small layer or config GET
     * allocates what it sends), else one of the kept 256 KiB ones.
     */
    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = CopyBuffers.take(length);
        try {
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("blob ended " + left + " bytes early");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        } finally {
            CopyBuffers.give(buffer);
        }
    }
}
