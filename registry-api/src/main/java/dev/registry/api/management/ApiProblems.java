package dev.registry.api.management;

import dev.registry.core.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.ObjectMapper;

/**
 * The registry's RFC 9457 problem JSON outside {@code /v2}, written in one place: {@code status},
 * {@code title}, {@code detail}, {@code instance} (the path), the registry's {@code code}, and
 * {@code errors: [{field, message}]} when input was wrong. Used by the management API's advice and
 * for requests no endpoint serves (unknown path, method, content type or accepted type).
 */
public final class ApiProblems {

    private ApiProblems() {
    }

    /** A problem without field errors. */
    public static ResponseEntity<ProblemDetail> of(HttpStatusCode status, ErrorCode code, String detail, HttpHeaders headers,
                                                   HttpServletRequest request) {
        return of(status, code, detail, List.of(), headers, request);
    }

    static ResponseEntity<ProblemDetail> of(HttpStatusCode status, ErrorCode code, String detail, List<?> fields,
                                            HttpHeaders headers, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(request.getRequestURI()));
        problem.setProperty("code", code.name());
        if (!fields.isEmpty()) {
            problem.setProperty("errors", fields);
        }
        return ResponseEntity.status(status).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** Writes a problem from a servlet filter, where no Spring MVC converter answers. */
    public static void write(HttpServletResponse response, ObjectMapper json, HttpStatusCode status, ErrorCode code, String detail,
                             HttpServletRequest request) throws IOException {
        ResponseEntity<ProblemDetail> problem = of(status, code, detail, new HttpHeaders(), request);
        response.setStatus(problem.getStatusCode().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem.getBody());
    }

    /** The registry's code for a status Spring chose (405, 406, 415, …). */
    public static ErrorCode code(HttpStatusCode status) {
        return switch (HttpStatus.resolve(status.value()) == null ? HttpStatus.INTERNAL_SERVER_ERROR : HttpStatus.resolve(status.value())) {
            case BAD_REQUEST -> ErrorCode.INVALID_INPUT;
            case UNAUTHORIZED -> ErrorCode.UNAUTHORIZED;
            case FORBIDDEN -> ErrorCode.DENIED;
            case NOT_FOUND -> ErrorCode.ENDPOINT_UNKNOWN;
            case METHOD_NOT_ALLOWED -> ErrorCode.METHOD_UNKNOWN;
            case CONFLICT -> ErrorCode.CONFLICT;
            case TOO_MANY_REQUESTS -> ErrorCode.TOOMANYREQUESTS;
            case SERVICE_UNAVAILABLE -> ErrorCode.UNAVAILABLE;
            default -> status.is4xxClientError() ? ErrorCode.UNSUPPORTED : ErrorCode.UNKNOWN;
        };
    }
}
