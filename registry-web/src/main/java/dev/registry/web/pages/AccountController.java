package dev.registry.web.pages;

import dev.registry.core.RegistryException;
import dev.registry.core.access.Principal;
import dev.registry.core.access.UserService;
import dev.registry.web.ConsolePaths;
import dev.registry.web.security.ConsoleUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Issue 13, page 10, Account: change my password ({@link UserService#changePassword}: the current
 * one must match, the new one follows the rule), and how to sign in to this registry with docker,
 * podman, helm and skopeo. A new password ends every session and token issued before it
 * ({@code CredentialService.current} compares their time with the credentials' change); this
 * browser's session is signed in again at once, so it is the one that survives.
 */
@Controller
class AccountController {

    private final UserService users;
    private final SecurityContextRepository sessions = new HttpSessionSecurityContextRepository();

    AccountController(UserService users) {
        this.users = users;
    }

    @GetMapping(ConsolePaths.ACCOUNT)
    String account(Principal.User me, Model model) {
        model.addAttribute("me", me);
        model.addAttribute("rule", UserService.PASSWORD_RULE);
        return "account";
    }

    @PostMapping(ConsolePaths.ACCOUNT + "/password")
    String changePassword(Principal.User me, @RequestParam String currentPassword, @RequestParam String newPassword,
                          HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            users.changePassword(me.id(), currentPassword, newPassword);
        } catch (RegistryException e) {
            model.addAttribute("passwordError", e.getMessage());
            model.addAttribute("passwordField", "newPassword".equals(AdminUsersController.refusedField(e)) ? "newPassword" : "currentPassword");
            return account(me, model);
        }
        signInAgain(request, response);
        return "redirect:" + ConsolePaths.ACCOUNT + "?password-changed";
    }

    /**
     * Keeps this browser signed in: its session now says it signed in after the change (to the
     * second, as the check compares), under a new session id.
     */
    private void signInAgain(HttpServletRequest request, HttpServletResponse response) {
        Authentication before = SecurityContextHolder.getContext().getAuthentication();
        ConsoleUser user = (ConsoleUser) before.getPrincipal();
        ConsoleUser renewed = new ConsoleUser(user.id(), user.name(), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(renewed, null, before.getAuthorities()));
        SecurityContextHolder.setContext(context);
        request.changeSessionId();
        sessions.saveContext(context, request, response);
    }
}
