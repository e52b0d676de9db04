package dev.registry.api.distribution;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.ThrottledException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * The one place where an {@link ErrorCode} becomes an HTTP status and the OCI error envelope
 * ({@code {"errors":[{"code","message","detail"}]}}, distribution spec "Error Codes").
 */
@Component
public class OciErrors {

    /** The error envelope; {@code detail} is left out when there is none. */
    public record Body(List<Entry> errors) {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public record Entry(String code, String message, Object detail) {
        }
    }

    /**
     * What {@code Retry-After} says with a 503 {@link ErrorCode#UNAVAILABLE} (a database or blob
     * store outage): long enough not to hammer a recovering backend, short enough for a client's
     * own retries.
     */
    public static final long UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

    private final ObjectMapper json;

    public OciErrors(ObjectMapper json) {
        this.json = json;
    }

    public static HttpStatus status(ErrorCode code) {
        return switch (code) {
            case BLOB_UNKNOWN, BLOB_UPLOAD_UNKNOWN, MANIFEST_UNKNOWN, NAME_UNKNOWN, ENDPOINT_UNKNOWN -> HttpStatus.NOT_FOUND;
            case BLOB_UPLOAD_INVALID, DIGEST_INVALID, MANIFEST_BLOB_UNKNOWN, MANIFEST_INVALID, NAME_INVALID,
                 SIZE_INVALID, PAGINATION_NUMBER_INVALID -> HttpStatus.BAD_REQUEST;
            case MANIFEST_TOO_LARGE, BODY_TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case RANGE_INVALID -> HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
            case UNAUTHORIZED -> HttpStatus.UNAUTHORIZED;
            case CONFLICT -> HttpStatus.CONFLICT;
            case INVALID_INPUT -> HttpStatus.BAD_REQUEST;
            case DENIED -> HttpStatus.FORBIDDEN;
            case UNSUPPORTED -> HttpStatus.BAD_REQUEST;
            case METHOD_UNKNOWN -> HttpStatus.METHOD_NOT_ALLOWED;
            case TOOMANYREQUESTS -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case UNKNOWN -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    public static Body body(RegistryException e) {
        return new Body(List.of(new Body.Entry(e.code().wireCode(), e.getMessage(), e.detail())));
    }

    /** The {@code Retry-After} seconds of a refusal, or null when it has none. */
    public static String retryAfter(RegistryException e) {
        if (e instanceof ThrottledException throttled) {
            return Long.toString(Math.max(1, throttled.retryAfter().toSeconds()));
        }
        return e.code() == ErrorCode.UNAVAILABLE ? Long.toString(UNAVAILABLE_RETRY_AFTER_SECONDS) : null;
    }

    /** For code outside Spring MVC's handlers (filters): writes status and envelope. */
    public void write(HttpServletResponse response, RegistryException e) throws IOException {
        String retryAfter = retryAfter(e);
        if (retryAfter != null) {
            response.setHeader("Retry-After", retryAfter);
        }
        response.setStatus(status(e.code()).value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body(e));
    }
}
