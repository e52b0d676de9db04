package dev.registry.web.pages;

import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Principal;
import dev.registry.core.proxy.Endpoint;
import dev.registry.core.proxy.EndpointService;
import dev.registry.core.proxy.UpstreamClient;
import dev.registry.web.ConsolePaths;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Administration, Registries (system admins only): the proxy cache's registry endpoints (docs/proxy-cache.md): list,
 * create, test, delete, as {@code /api/v1/endpoints} does. A secret is typed once and never shown again.
 */
@Controller
class AdminRegistriesController {

    static final String PATH = ConsolePaths.ADMIN + "/registries";

    private final AccessService access;
    private final EndpointService endpoints;
    private final UpstreamClient client;

    AdminRegistriesController(AccessService access, EndpointService endpoints, UpstreamClient client) {
        this.access = access;
        this.endpoints = endpoints;
        this.client = client;
    }

    @GetMapping(PATH)
    String registries(Principal.User me, Model model) {
        access.requireSystemAdmin(me);
        model.addAttribute("endpoints", endpoints.list());
        return "admin-registries";
    }

    @PostMapping(PATH)
    String create(Principal.User me, @RequestParam String name, @RequestParam String url,
                  @RequestParam(required = false) String username, @RequestParam(required = false) String secret,
                  @RequestParam(name = "verifyTls", defaultValue = "false") boolean verifyTls, Model model,
                  RedirectAttributes redirect) {
        access.requireSystemAdmin(me);
        try {
            Endpoint created = endpoints.create(new EndpointService.Spec(name.strip(), url.strip(), blankToNull(username),
                    blankToNull(secret), verifyTls), me.name());
            redirect.addFlashAttribute("notice", "Registry " + created.name() + " added. Test it, then create a proxy project"
                    + " of it on the projects page.");
            return "redirect:" + PATH;
        } catch (RegistryException e) {
            // the server's words next to the form; what was typed kept, except the secret
            model.addAttribute("createError", e.getMessage());
            model.addAttribute("createField", e.detail() instanceof Map<?, ?> detail ? detail.get("field") : null);
            model.addAttribute("createName", name);
            model.addAttribute("createUrl", url);
            model.addAttribute("createUsername", username);
            model.addAttribute("createVerifyTls", verifyTls);
            return registries(me, model);
        }
    }

    @PostMapping(PATH + "/{name}/test")
    String test(Principal.User me, @PathVariable String name, RedirectAttributes redirect) {
        access.requireSystemAdmin(me);
        Endpoint endpoint = endpoints.require(name);
        UpstreamClient.Check check = client.check(endpoints.upstream(endpoint));
        redirect.addFlashAttribute(check.reachable() && check.credentialsAccepted() ? "notice" : "problem",
                name + ": " + check.message());
        return "redirect:" + PATH;
    }

    @PostMapping(PATH + "/{name}/delete")
    String delete(Principal.User me, @PathVariable String name, RedirectAttributes redirect) {
        access.requireSystemAdmin(me);
        try {
            endpoints.delete(name);
            redirect.addFlashAttribute("notice", "Registry " + name + " deleted.");
        } catch (RegistryException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:" + PATH;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
