package dev.registry.web.pages;

import dev.registry.web.ConsolePaths;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.WebAttributes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The sign-in form; Spring Security takes its POST (throttled and audited by registry-core). */
@Controller
class LoginController {

    @GetMapping(ConsolePaths.LOGIN)
    String login(HttpServletRequest request, Model model) {
        HttpSession session = request.getSession(false);
        if (request.getParameter("error") != null && session != null
                && session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION) instanceof AuthenticationException e) {
            model.addAttribute("error", e.getMessage());
            session.removeAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        } else if (request.getParameter("error") != null) {
            model.addAttribute("error", "wrong username or password");
        }
        model.addAttribute("signedOut", request.getParameter("signed-out") != null);
        model.addAttribute("expired", request.getParameter("expired") != null);
        return "login";
    }
}
