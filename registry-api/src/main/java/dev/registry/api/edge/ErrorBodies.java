package dev.registry.api.edge;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bodies of errors that never reach a controller: Tomcat's own refusals (a {@code %00} in the
 * path, request headers over the limit), a request body that stopped arriving (408), and anything
 * else Tomcat or the servlet container turns into an error page. Under {@code /v2} the OCI error
 * envelope, everywhere else RFC 9457 problem JSON with the registry's {@code code}, as the
 * controllers' own errors. Messages are fixed sentences per status: nothing from an exception is
 * echoed, so no message names a Java class.
 */
public final class ErrorBodies {

    /** Request attribute: a {@link RegistryException} that explains an error sent with {@code sendError}. */
    public static final String REFUSAL = "dev.registry.api.edge.refusal";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A rendered body and its media type. */
    public record Rendered(String contentType, byte[] body) {
    }

    private ErrorBodies() {
    }

    /**
     * @param path    the request's path as received (may be null when Tomcat could not parse it)
     * @param status  the HTTP status already chosen
     * @param refusal the registry's own explanation, or null for the default sentence of the status
     */
    public static Rendered render(String path, int status, RegistryException refusal) {
        return render(path, status, refusal != null ? refusal.code() : codeFor(status, path),
                refusal != null ? refusal.getMessage() : messageFor(status));
    }

    static Rendered render(String path, int status, ErrorCode code, String message) {
        boolean distribution = path == null || path.startsWith("/v2");
        if (distribution) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("code", code.wireCode());
            entry.put("message", message);
            return new Rendered("application/json", JSON.writeValueAsBytes(Map.of("errors", List.of(entry))));
        }
        HttpStatus known = HttpStatus.resolve(status);
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", known == null ? "Error" : known.getReasonPhrase());
        problem.put("status", status);
        problem.put("detail", message);
        if (path != null) {
            problem.put("instance", path);
        }
        problem.put("code", code.name());
        return new Rendered("application/problem+json", JSON.writeValueAsBytes(problem));
    }

    static ErrorCode codeFor(int status, String path) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.DENIED;
            case 404 -> ErrorCode.ENDPOINT_UNKNOWN;
            case 405 -> ErrorCode.METHOD_UNKNOWN;
            case 408 -> path != null && path.startsWith("/v2") && path.contains("/blobs/uploads")
                    ? ErrorCode.BLOB_UPLOAD_INVALID : ErrorCode.INVALID_INPUT;
            case 429 -> ErrorCode.TOOMANYREQUESTS;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.UNKNOWN : ErrorCode.INVALID_INPUT;
        };
    }

    static String messageFor(int status) {
        return switch (status) {
            case 400 -> "the request is malformed";
            case 401 -> "authentication required";
            case 403 -> "access denied";
            case 404 -> "no such endpoint";
            case 405 -> "this method is not allowed here";
            case 408 -> "the request body stopped arriving before it was complete; for an upload, ask for its status"
                    + " (GET on its location) and resume from the offset it reports";
            case 413 -> "the request is too large";
            case 503 -> "the registry is unavailable; retry later";
            default -> {
                HttpStatus known = HttpStatus.resolve(status);
                yield status >= 500 ? "internal error" : known == null ? "the request was refused" : known.getReasonPhrase();
            }
        };
    }

    /** What Tomcat refuses before the application sees the request (the error report valve's 400). */
    static String beforeApplication(int status) {
        return status == 400 ? "the request is malformed: the path must not hold control characters such as %00, and"
                + " the request line and headers together must fit the server's limit (8 KB unless"
                + " server.max-http-request-header-size says otherwise)" : messageFor(status);
    }
}
