package dev.registry.web.pages;

import dev.registry.core.access.AccessService;
import dev.registry.core.access.Principal;
import dev.registry.core.system.SystemInfoService;
import dev.registry.web.ConsolePaths;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** Issue 13, page 9, System (system admins only): version, storage and database, as {@code /api/v1/systeminfo} reports them. */
@Controller
class AdminSystemController {

    private final AccessService access;
    private final SystemInfoService system;

    AdminSystemController(AccessService access, SystemInfoService system) {
        this.access = access;
        this.system = system;
    }

    @GetMapping(ConsolePaths.ADMIN + "/system")
    String system(Principal.User me, Model model) {
        access.requireSystemAdmin(me);
        model.addAttribute("version", system.version());
        model.addAttribute("storage", system.storageKind());
        model.addAttribute("database", system.database());
        return "admin-system";
    }
}
