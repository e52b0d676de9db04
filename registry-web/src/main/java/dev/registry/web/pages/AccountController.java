package dev.registry.web.pages;

import dev.registry.core.RegistryException;
import dev.registry.core.access.Principal;
import dev.registry.core.access.UserService;
import dev.registry.web.ConsolePaths;
import dev.registry.web.security.ConsoleCaller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
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
    private final ConsoleCaller caller;

    AccountController(UserService users, ConsoleCaller caller) {
        this.users = users;
        this.caller = caller;
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
        caller.signInAgain(request, response);
        return "redirect:" + ConsolePaths.ACCOUNT + "?password-changed";
    }
}
