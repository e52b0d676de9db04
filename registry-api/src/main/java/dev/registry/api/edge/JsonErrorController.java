package dev.registry.api.edge;

import dev.registry.core.RegistryException;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The error page ({@code /error}) in the registry's formats instead of Spring Boot's default JSON:
 * what Tomcat reports with {@code sendError} after a controller or filter ran, for example the 408
 * when a request body stops arriving for the connection timeout. OCI error JSON under {@code /v2},
 * problem JSON elsewhere ({@link ErrorBodies}).
 */
@Controller
class JsonErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<byte[]> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        Object refusal = request.getAttribute(ErrorBodies.REFUSAL);
        ErrorBodies.Rendered rendered = ErrorBodies.render(path == null ? null : path.toString(), status,
                refusal instanceof RegistryException e ? e : null);
        return ResponseEntity.status(status).contentType(MediaType.parseMediaType(rendered.contentType()))
                .body(rendered.body());
    }
}
