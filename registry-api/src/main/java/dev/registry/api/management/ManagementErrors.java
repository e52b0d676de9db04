package dev.registry.api.management;

import dev.registry.api.distribution.OciErrors;
import dev.registry.api.health.DatabaseUnavailable;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Every failure of a management controller as RFC 9457 problem JSON: {@code status},
 * {@code title}, {@code detail} (a sentence for the person at the client), {@code instance} (the
 * path), the registry's {@code code}, and for bad input {@code errors: [{field, message}]} naming
 * the field. The status of a {@link RegistryException} comes from {@link OciErrors#status}, the
 * one table of the registry.
 */
@RestControllerAdvice(basePackageClasses = ManagementErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class ManagementErrors {

    private static final Logger log = LoggerFactory.getLogger(ManagementErrors.class);

    /** One wrong input. */
    record FieldProblem(String field, String message) {
    }

    @ExceptionHandler(RegistryException.class)
    ResponseEntity<ProblemDetail> refused(RegistryException e, HttpServletRequest request) {
        HttpHeaders headers = new HttpHeaders();
        if (e.code() == ErrorCode.UNAUTHORIZED) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"registry\"");
        }
        List<FieldProblem> fields = e.detail() instanceof Map<?, ?> detail && detail.get("field") instanceof String field
                ? List.of(new FieldProblem(field, e.getMessage())) : List.of();
        return problem(OciErrors.status(e.code()), e.code(), e.getMessage(), fields, headers, request);
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ProblemDetail> invalidBody(MethodArgumentNotValidException e, HttpServletRequest request) {
        List<FieldProblem> fields = e.getBindingResult().getFieldErrors().stream()
                .map(f -> new FieldProblem(f.getField(), f.getField() + " " + f.getDefaultMessage()))
                .sorted(java.util.Comparator.comparing(FieldProblem::field)).toList();
        String detail = fields.stream().map(FieldProblem::message).reduce((a, b) -> a + "; " + b).orElse("invalid request body");
        return badInput(detail, fields, request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> wrongType(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        String expected = e.getRequiredType() == null ? "another value" : e.getRequiredType().getSimpleName().toLowerCase();
        String message = e.getName() + " must be " + (expected.equals("instant") ? "an ISO-8601 instant such as 2025-01-31T12:00:00Z"
                : "a value of type " + expected) + ", not '" + e.getValue() + "'";
        return badInput(message, List.of(new FieldProblem(e.getName(), message)), request);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e, HttpServletRequest request) {
        String message = "the query parameter " + e.getParameterName() + " is required";
        return badInput(message, List.of(new FieldProblem(e.getParameterName(), message)), request);
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ProblemDetail> missingHeader(MissingRequestHeaderException e, HttpServletRequest request) {
        String message = "the header " + e.getHeaderName() + " is required";
        return badInput(message, List.of(new FieldProblem(e.getHeaderName(), message)), request);
    }

    /**
     * A body that is absent, not JSON, not an object, or that holds an unknown property, a value of
     * the wrong type or no value for a required field: the field as a JSON path and what is expected
     * ({@link JsonBodyProblems}). A refusal from the body's own checks keeps its code and words.
     */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof RegistryException refusal) {
                return refused(refusal, request);
            }
        }
        JsonBodyProblems.Problem problem = JsonBodyProblems.describe(e.getCause());
        return badInput(problem.message(), problem.field() == null ? List.of()
                : List.of(new FieldProblem(problem.field(), problem.message())), request);
    }

    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class})
    ResponseEntity<ProblemDetail> unavailable(RuntimeException e, HttpServletRequest request) {
        log.warn("database unavailable: {}", e.getMessage());
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(OciErrors.UNAVAILABLE_RETRY_AFTER_SECONDS));
        return problem(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.UNAVAILABLE, "the registry's database is unavailable; retry later",
                List.of(), headers, request);
    }

    /** Spring's own refusals keep their status and detail and get the registry's code; anything else is a 500 without internals. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> other(Exception e, HttpServletRequest request) {
        if (DatabaseUnavailable.isCause(e)) { // e.g. CannotCreateTransactionException
            return unavailable(e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e), request);
        }
        if (e instanceof ErrorResponse response) {
            String detail = response.getBody().getDetail() == null ? response.getBody().getTitle() : response.getBody().getDetail();
            return ApiProblems.of(response.getStatusCode(), ApiProblems.code(response.getStatusCode()), detail,
                    response.getHeaders(), request);
        }
        log.error("unexpected failure in {} {}", request.getMethod(), request.getRequestURI(), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, ErrorCode.UNKNOWN, "internal error", List.of(), new HttpHeaders(), request);
    }

    private static ResponseEntity<ProblemDetail> badInput(String detail, List<FieldProblem> fields, HttpServletRequest request) {
        return problem(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_INPUT, detail, fields, new HttpHeaders(), request);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatusCode status, ErrorCode code, String detail, List<FieldProblem> fields,
                                                         HttpHeaders headers, HttpServletRequest request) {
        return ApiProblems.of(status, code, detail, fields, headers, request);
    }
}
