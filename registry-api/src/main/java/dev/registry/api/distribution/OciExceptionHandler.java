package dev.registry.api.distribution;

import dev.registry.api.edge.ErrorBodies;
import dev.registry.api.health.DatabaseUnavailable;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.storage.BlobNotFoundException;
import dev.registry.storage.StorageException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.connector.ClientAbortException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Every failure under {@code /v2} leaves as the OCI error envelope (status from {@link OciErrors}). */
@RestControllerAdvice(basePackageClasses = OciExceptionHandler.class)
class OciExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(OciExceptionHandler.class);

    /** Every refusal; a throttled one (too many open uploads, …) and 503 carry {@code Retry-After}. */
    @ExceptionHandler(RegistryException.class)
    static ResponseEntity<OciErrors.Body> refused(RegistryException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(OciErrors.status(e.code())).contentType(MediaType.APPLICATION_JSON);
        String retryAfter = OciErrors.retryAfter(e);
        if (retryAfter != null) {
            response.header("Retry-After", retryAfter);
        }
        return response.body(OciErrors.body(e));
    }

    /** The metadata links a blob whose bytes are gone from the store: the client sees it as unknown. */
    @ExceptionHandler(BlobNotFoundException.class)
    ResponseEntity<OciErrors.Body> bytesGone(BlobNotFoundException e) {
        log.warn("blob linked in metadata but missing in storage: {}", e.getMessage());
        return refused(new RegistryException(ErrorCode.BLOB_UNKNOWN, e.getMessage()));
    }

    /** A database outage ({@link DatabaseUnavailable}) or a blob store failure: 503 with {@code Retry-After}. */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class, StorageException.class})
    ResponseEntity<OciErrors.Body> unavailable(RuntimeException e) {
        boolean database = !(e instanceof StorageException);
        log.warn("{} unavailable: {}", database ? "database" : "blob store", e.getMessage());
        log.debug("backend failure", e);
        return refused(new RegistryException(ErrorCode.UNAVAILABLE, database ? "the registry's database is unavailable; retry later"
                : "the registry's storage is unavailable; retry later"));
    }

    /**
     * An upload body below the minimum rate: 408 through {@code sendError}, so Tomcat closes the
     * connection instead of reading the rest of the trickle; the error page renders the refusal.
     */
    @ExceptionHandler(MinimumRateInputStream.BodyTooSlowException.class)
    void tooSlow(MinimumRateInputStream.BodyTooSlowException e, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        log.info("upload body too slow: {}", e.getMessage());
        request.setAttribute(ErrorBodies.REFUSAL, new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, e.getMessage()));
        response.sendError(HttpStatus.REQUEST_TIMEOUT.value());
    }

    /** The client went away mid-request: nobody to answer. */
    @ExceptionHandler(ClientAbortException.class)
    void clientGone(ClientAbortException e) {
        log.debug("client aborted", e);
    }

    @ExceptionHandler(IOException.class)
    ResponseEntity<OciErrors.Body> io(IOException e) {
        log.warn("I/O failure", e);
        return refused(new RegistryException(ErrorCode.UNAVAILABLE, "I/O failure: " + e.getMessage()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<OciErrors.Body> unexpected(Exception e) {
        if (DatabaseUnavailable.isCause(e)) { // e.g. CannotCreateTransactionException
            return unavailable(e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e));
        }
        log.error("unexpected failure", e);
        return refused(new RegistryException(ErrorCode.UNKNOWN, "internal error"));
    }
}
