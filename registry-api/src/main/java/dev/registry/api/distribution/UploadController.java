package dev.registry.api.distribution;

import dev.registry.api.config.RequestAdmission;
import dev.registry.api.security.Authenticated;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.BlobService;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.upload.UploadService;
import dev.registry.core.upload.UploadLimits;
import dev.registry.core.upload.UploadStatus;
import dev.registry.storage.BlobInfo;
import dev.registry.storage.Digest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Blob uploads (distribution spec end-4a/4b, end-5, end-6, end-11, end-13): start, monolithic
 * {@code POST ?digest=}, cross-repository mount, chunked {@code PATCH} with {@code Content-Range},
 * streamed {@code PATCH}, status, {@code PUT ?digest=} and cancel. Bytes are streamed straight to
 * the store, never buffered whole.
 */
@RestController
class UploadController {

    private final UploadService uploads;
    private final BlobService blobs;
    private final UploadLimits limits;

    UploadController(UploadService uploads, BlobService blobs, UploadLimits limits) {
        this.uploads = uploads;
        this.blobs = blobs;
        this.limits = limits;
    }

    @PostMapping(RepositoryPathFilter.UPLOADS_PATH)
    void start(RepositoryName name,
               @RequestParam(required = false) String digest, @RequestParam(required = false) String mount,
               @RequestParam(required = false) String from,
               HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (mount != null) {
            Digest mounted = Reference.parseDigest(mount);
            RepositoryName source = from == null || from.isEmpty() ? null : new RepositoryName(from);
            @SuppressWarnings("unchecked")
            Predicate<String> mayPull = (Predicate<String>) request.getAttribute(DistributionAccessFilter.MAY_PULL);
            Optional<Long> size = blobs.mount(name, mounted, source, mayPull == null ? repository -> false : mayPull);
            if (size.isPresent()) {
                created(response, name, mounted);
                return;
            }
        }
        if (digest != null && mount == null) {
            Digest expected = Reference.parseDigest(digest);
            BlobInfo blob = uploads.uploadMonolithic(name, expected, body(request), request.getContentLengthLong());
            created(response, name, blob.digest());
            return;
        }
        UploadStatus status = uploads.start(name, Authenticated.principal(request).name());
        if (status.minimumChunkSize() > 0) {
            response.setHeader("OCI-Chunk-Min-Length", Long.toString(status.minimumChunkSize()));
        }
        accepted(response, name, status);
    }

    @PatchMapping(RepositoryPathFilter.UPLOAD_PATH)
    void patch(RepositoryName name, @PathReference String id,
               @RequestHeader(name = "Content-Range", required = false) String contentRange,
               HttpServletRequest request, HttpServletResponse response) throws IOException {
        ByteRange range = ByteRange.ofChunk(contentRange);
        UploadStatus status = uploads.append(name, id, range == null ? null : range.start(),
                range == null ? request.getContentLengthLong() : range.length(), body(request));
        accepted(response, name, status);
    }

    @PutMapping(RepositoryPathFilter.UPLOAD_PATH)
    void complete(RepositoryName name, @PathReference String id,
                  @RequestParam(required = false) String digest,
                  @RequestHeader(name = "Content-Range", required = false) String contentRange,
                  HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (digest == null) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "completing an upload needs ?digest=<digest>");
        }
        Digest expected = Reference.parseDigest(digest);
        long length = request.getContentLengthLong();
        boolean hasBody = length > 0 || (length < 0 && request.getHeader("Transfer-Encoding") != null);
        ByteRange range = ByteRange.ofChunk(contentRange);
        if (hasBody && range != null) {
            uploads.append(name, id, range.start(), range.length(), body(request));
            hasBody = false;
        }
        BlobInfo blob = uploads.complete(name, id, expected, hasBody ? body(request) : null, length);
        created(response, name, blob.digest());
    }

    @GetMapping(RepositoryPathFilter.UPLOAD_PATH)
    void status(RepositoryName name, @PathReference String id,
                HttpServletResponse response) {
        UploadStatus status = uploads.status(name, id);
        progressHeaders(response, name, status);
        response.setStatus(HttpStatus.NO_CONTENT.value());
    }

    @DeleteMapping(RepositoryPathFilter.UPLOAD_PATH)
    void cancel(RepositoryName name, @PathReference String id,
                HttpServletResponse response) {
        uploads.cancel(name, id);
        response.setStatus(HttpStatus.NO_CONTENT.value());
    }

    /**
     * The request body, held to the minimum rate of {@link UploadLimits}. A large or chunked body gives the request's
     * admission back first: reading it waits on the client's network more than it uses the CPU.
     */
    private InputStream body(HttpServletRequest request) throws IOException {
        long length = request.getContentLengthLong();
        if (length < 0 || length > RequestAdmission.LONG_TRANSFER) {
            RequestAdmission.releaseForTransfer(request);
        }
        return MinimumRateInputStream.guard(request.getInputStream(), limits);
    }

    private static void created(HttpServletResponse response, RepositoryName name, Digest digest) {
        response.setStatus(HttpStatus.CREATED.value());
        response.setHeader("Location", DistributionPaths.blob(name, digest));
        response.setHeader("Docker-Content-Digest", digest.toString());
        response.setContentLength(0);
    }

    private static void accepted(HttpServletResponse response, RepositoryName name, UploadStatus status) {
        response.setStatus(HttpStatus.ACCEPTED.value());
        progressHeaders(response, name, status);
        response.setContentLength(0);
    }

    /** {@code Range: 0-<last byte>} ("0-0" before the first byte, as CNCF Distribution sends). */
    private static void progressHeaders(HttpServletResponse response, RepositoryName name, UploadStatus status) {
        response.setHeader("Location", DistributionPaths.upload(name, status.id()));
        response.setHeader("Range", "0-" + Math.max(0, status.size() - 1));
        response.setHeader("Docker-Upload-UUID", status.id());
    }
}
