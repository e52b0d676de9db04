package dev.registry.api.distribution;

import dev.registry.api.management.ApiProblems;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collection;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Requests no controller method matched (unknown path, wrong HTTP method, a Content-Type or Accept
 * no endpoint takes) are raised before any controller is chosen, so the controller-scoped
 * {@link OciExceptionHandler} never sees them: under {@code /v2} they get the OCI envelope,
 * elsewhere the registry's problem JSON with its {@code code} ({@link ApiProblems}), never Spring's
 * wording.
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
        String allowed = e.getSupportedHttpMethods() == null ? "" : "; allowed: " + e.getSupportedHttpMethods().stream()
                .map(Object::toString).sorted().collect(Collectors.joining(", "));
        return ApiProblems.of(HttpStatus.METHOD_NOT_ALLOWED, ErrorCode.METHOD_UNKNOWN, message + allowed, e.getHeaders(), request);
    }

    /**
     * No handler at all ({@code NoHandlerFoundException}: there is no catch-all static handler, see
     * {@code spring.web.resources.add-mappings}), or a path under a resource handler with no such file.
     */
    @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
    ResponseEntity<?> noEndpoint(Exception e, HttpServletRequest request) {
        String message = "no endpoint at " + request.getRequestURI();
        if (request.getRequestURI().startsWith("/v2")) {
            return OciExceptionHandler.refused(new RegistryException(ErrorCode.ENDPOINT_UNKNOWN, message));
        }
        return ApiProblems.of(HttpStatus.NOT_FOUND, ErrorCode.ENDPOINT_UNKNOWN, request.getRequestURI().startsWith("/api/")
                ? message + "; the management API is described at /api/v1/openapi.json" : message, new HttpHeaders(), request);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<?> contentTypeNotSupported(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        String message = (e.getContentType() == null ? "a request without Content-Type" : "Content-Type " + e.getContentType())
                + " is not taken here; send " + types(e.getSupportedMediaTypes());
        return unsupported(HttpStatus.UNSUPPORTED_MEDIA_TYPE, message, e.getHeaders(), request);
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<?> notAcceptable(HttpMediaTypeNotAcceptableException e, HttpServletRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        String message = "cannot answer in " + (accept == null ? "the accepted types" : accept) + "; this endpoint answers "
                + types(e.getSupportedMediaTypes());
        return unsupported(HttpStatus.NOT_ACCEPTABLE, message, e.getHeaders(), request);
    }

    private static ResponseEntity<?> unsupported(HttpStatusCode status, String message, HttpHeaders headers, HttpServletRequest request) {
        if (request.getRequestURI().startsWith("/v2")) {
            return ResponseEntity.status(status).headers(headers).contentType(MediaType.APPLICATION_JSON)
                    .body(OciErrors.body(new RegistryException(ErrorCode.UNSUPPORTED, message)));
        }
        return ApiProblems.of(status, ErrorCode.UNSUPPORTED, message, headers, request);
    }

    private static String types(Collection<MediaType> types) {
        return types.isEmpty() ? "another type" : types.stream().map(MediaType::toString).collect(Collectors.joining(" or "));
    }
}
