package dev.registry.web.pages;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.web.ConsolePaths;
import dev.registry.web.security.SessionEndedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The console's own error pages: a refusal of the services in words on a page of the console
 * (404 for what does not exist or may not be seen, 403 for what may be seen but not done, 400 for
 * bad input), never a stack trace, Spring's white-label page or the APIs' JSON.
 */
@ControllerAdvice(basePackages = "dev.registry.web")
@Order(Ordered.HIGHEST_PRECEDENCE)
@Controller
class ConsoleErrors {

    private static final Logger log = LoggerFactory.getLogger(ConsoleErrors.class);

    @ExceptionHandler(SessionEndedException.class)
    String sessionEnded(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        SecurityContextHolder.clearContext();
        return "redirect:" + ConsolePaths.LOGIN + "?expired";
    }

    @ExceptionHandler(RegistryException.class)
    String refused(RegistryException e, HttpServletResponse response, Model model) {
        HttpStatus status = switch (e.code()) {
            case NAME_UNKNOWN, MANIFEST_UNKNOWN, BLOB_UNKNOWN -> HttpStatus.NOT_FOUND;
            case DENIED, UNAUTHORIZED -> HttpStatus.FORBIDDEN;
            case CONFLICT -> HttpStatus.CONFLICT;
            case TOOMANYREQUESTS -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            default -> HttpStatus.BAD_REQUEST;
        };
        return page(response, model, status, e.getMessage());
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    String badInput(Exception e, HttpServletResponse response, Model model) {
        return page(response, model, HttpStatus.BAD_REQUEST, e instanceof MethodArgumentTypeMismatchException m
                ? m.getName() + " is not a valid value" : "a required value is missing: " + e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    String failed(Exception e, HttpServletResponse response, Model model) {
        log.error("console page failed", e);
        return page(response, model, HttpStatus.INTERNAL_SERVER_ERROR, "something went wrong on the server; it is in the registry's log");
    }

    /** Any console path no page answers: the console's own 404. */
    @GetMapping({ConsolePaths.PROJECTS + "/**", ConsolePaths.ADMIN + "/**", ConsolePaths.ACCOUNT + "/**"})
    String unknownPage(HttpServletRequest request, HttpServletResponse response, Model model) {
        return page(response, model, HttpStatus.NOT_FOUND, "there is no page at " + request.getRequestURI());
    }

    private static String page(HttpServletResponse response, Model model, HttpStatus status, String message) {
        response.setStatus(status.value());
        model.addAttribute("status", status.value());
        model.addAttribute("reason", status.getReasonPhrase());
        model.addAttribute("message", message);
        return "error-page";
    }
}
