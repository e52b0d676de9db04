package dev.registry.web.pages;

import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Principal;
import dev.registry.core.access.User;
import dev.registry.core.access.UserService;
import dev.registry.core.project.Project;
import dev.registry.core.project.ProjectService;
import dev.registry.core.project.Role;
import dev.registry.web.ConsolePaths;
import dev.registry.web.security.ConsoleCaller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Issue 13, page 9, Users (system admins only): the users paged and searched in the database;
 * create one; a user's page to reset the password, set or unset the system-admin flag, forget
 * failed sign-ins and delete (after a confirmation naming the memberships that go). Every rule is
 * {@link UserService}'s; its refusals are shown next to the field that caused them.
 */
@Controller
class AdminUsersController {

    static final String USERS = ConsolePaths.ADMIN + "/users";

    /** A project the user is a member of, for the deletion's confirmation. */
    record Membership(String project, Role role) {
    }

    private final AccessService access;
    private final UserService users;
    private final ProjectService projects;
    private final ConsoleCaller caller;

    AdminUsersController(AccessService access, UserService users, ProjectService projects, ConsoleCaller caller) {
        this.access = access;
        this.users = users;
        this.projects = projects;
        this.caller = caller;
    }

    @GetMapping(ConsolePaths.ADMIN)
    String admin(Principal.User me) {
        access.requireSystemAdmin(me);
        return "redirect:" + USERS;
    }

    @GetMapping(USERS)
    String list(Principal.User me, @RequestParam(required = false) String q, @RequestParam(required = false) Integer page,
                @RequestParam(name = "page_size", required = false) Integer pageSize, Model model) {
        access.requireSystemAdmin(me);
        String term = q == null ? "" : q.strip();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("q", term);
        PageWindow window = PageWindow.of(page, pageSize, USERS, query);
        model.addAttribute("q", term);
        model.addAttribute("users", users.list(term, window.index(), window.size()));
        model.addAttribute("window", window.withTotal(users.count(term)));
        return "admin-users";
    }

    @PostMapping(USERS)
    String create(Principal.User me, @RequestParam String username, @RequestParam String password,
                  @RequestParam(name = "systemAdmin", defaultValue = "false") boolean systemAdmin, Model model) {
        access.requireSystemAdmin(me);
        try {
            User created = users.create(username.strip(), password, null, null, systemAdmin);
            return "redirect:" + USERS + "/" + created.id() + "?created";
        } catch (RegistryException e) {
            // the list again, the server's words next to the field, what was typed kept (but the password)
            model.addAttribute("createError", e.getMessage());
            model.addAttribute("createField", "password".equals(refusedField(e)) ? "password" : "username");
            model.addAttribute("createName", username);
            model.addAttribute("createAdmin", systemAdmin);
            return list(me, null, null, null, model);
        }
    }

    @GetMapping(USERS + "/{id}")
    String user(Principal.User me, @PathVariable long id, Model model) {
        access.requireSystemAdmin(me);
        User user = users.require(id);
        model.addAttribute("user", user);
        model.addAttribute("builtIn", UserService.isBuiltInAdmin(user.username()));
        model.addAttribute("rule", UserService.PASSWORD_RULE);
        return "admin-user";
    }

    @PostMapping(USERS + "/{id}/password")
    String resetPassword(Principal.User me, @PathVariable long id, @RequestParam String password, HttpServletRequest request,
                         HttpServletResponse response, Model model) {
        access.requireSystemAdmin(me);
        try {
            users.resetPassword(id, password);
            if (id == me.id()) {
                // an admin's own password: as on the account page, this browser stays signed in
                caller.signInAgain(request, response);
            }
            return "redirect:" + USERS + "/" + id + "?password-reset";
        } catch (RegistryException e) {
            model.addAttribute("passwordError", e.getMessage());
            return user(me, id, model);
        }
    }

    @PostMapping(USERS + "/{id}/admin")
    String systemAdmin(Principal.User me, @PathVariable long id, @RequestParam boolean systemAdmin) {
        access.requireSystemAdmin(me);
        users.update(id, null, null, systemAdmin);
        return "redirect:" + USERS + "/" + id + "?admin-changed";
    }

    @PostMapping(USERS + "/{id}/login-failures/clear")
    String unlock(Principal.User me, @PathVariable long id) {
        access.requireSystemAdmin(me);
        users.clearLoginFailures(id);
        return "redirect:" + USERS + "/" + id + "?unlocked";
    }

    @GetMapping(USERS + "/{id}/delete")
    String confirmDelete(Principal.User me, @PathVariable long id, Model model) {
        access.requireSystemAdmin(me);
        User user = users.require(id);
        model.addAttribute("user", user);
        model.addAttribute("builtIn", UserService.isBuiltInAdmin(user.username()));
        model.addAttribute("memberships", memberships(user.id()));
        return "admin-user-delete";
    }

    @PostMapping(USERS + "/{id}/delete")
    String delete(Principal.User me, @PathVariable long id) {
        access.requireSystemAdmin(me);
        String name = users.require(id).username();
        users.delete(id);
        return "redirect:" + USERS + "?deleted=" + org.springframework.web.util.UriUtils.encodeQueryParam(name,
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The projects whose membership goes with the user, by name. */
    private List<Membership> memberships(long userId) {
        Map<Long, Role> roles = projects.rolesOf(userId, projects.visibleTo(userId));
        if (roles.isEmpty()) {
            return List.of();
        }
        List<Membership> found = new ArrayList<>();
        for (Project p : projects.list("", new ArrayList<>(roles.keySet()), 0, roles.size())) {
            found.add(new Membership(p.name(), roles.get(p.id())));
        }
        return found;
    }

    /** The form field a service's refusal names ({@code detail.field}), or null. */
    static String refusedField(RegistryException e) {
        return e.detail() instanceof Map<?, ?> detail && detail.get("field") instanceof String field ? field : null;
    }
}
