package dev.registry.api.distribution;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Requests no controller method matched (wrong HTTP method) are raised before any controller is
 * chosen, so the controller-scoped {@link OciExceptionHandler} never sees them: under {@code /v2}
 * they get the OCI envelope, elsewhere RFC 9457 problem details.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnmappedRequestHandler {

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<?> methodNotAllowed(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        String message = "method " + e.getMethod() + " is not supported here";
        if (request.getRequestURI().startsWith("/v2")) {
            return OciExceptionHandler.refused(new RegistryException(ErrorCode.METHOD_UNKNOWN, message));
        }
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.METHOD_NOT_ALLOWED, message));
    }
}
