package dev.registry.web.pages;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.access.Action;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectAccess;
import dev.registry.core.project.Member;
import dev.registry.core.project.Project;
import dev.registry.core.project.ProjectService;
import dev.registry.core.project.Role;
import dev.registry.web.ConsolePaths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Issue 13, page 5: a project's members. Listing needs {@code READ_MEMBERS}; adding, changing a
 * role and removing need {@code MANAGE_MEMBERS} and are offered only then. The rules (no user, a
 * member already, the last project admin) are {@link ProjectService}'s; their words are shown on
 * the page. Neither a role change nor removal is offered for the last project admin
 * ({@link ProjectService#isLastAdmin}: the service would refuse both); a hand-made post for either
 * is still refused by the service.
 */
@Controller
class MembersController {

    private static final String PATH = ConsolePaths.PROJECTS + "/{project}/members";

    private final AccessService access;
    private final ProjectService projects;

    MembersController(AccessService access, ProjectService projects) {
        this.access = access;
        this.projects = projects;
    }

    @GetMapping(PATH)
    String members(Principal.User me, @PathVariable String project, @RequestParam(required = false) String q,
                   @RequestParam(required = false) Integer page, @RequestParam(name = "page_size", required = false) Integer pageSize,
                   Model model) {
        ProjectAccess allowed = access.require(me, project, Action.READ_MEMBERS);
        Project p = projects.require(project);
        String term = q == null ? "" : q.strip();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("q", term);
        PageWindow window = PageWindow.of(page, pageSize, ConsolePaths.PROJECTS + "/" + project + "/members", query);
        List<Member> members = projects.members(p.id(), term, window.offset(), window.size());
        model.addAttribute("project", p);
        model.addAttribute("access", allowed);
        model.addAttribute("q", term);
        model.addAttribute("members", members);
        model.addAttribute("roles", Role.values());
        model.addAttribute("window", window.withTotal(projects.countMembers(p.id(), term)));
        model.addAttribute("mayManage", allowed.may(Action.MANAGE_MEMBERS));
        // the members whose role the service would refuse to change or take (asked of the service, not decided here)
        model.addAttribute("lastAdmins", members.stream().filter(projects::isLastAdmin).map(Member::principalName)
                .collect(Collectors.toSet()));
        return "members";
    }

    @PostMapping(PATH)
    String add(Principal.User me, @PathVariable String project, @RequestParam(defaultValue = "") String username,
               @RequestParam(defaultValue = "") String role, Model model) {
        long projectId = access.require(me, project, Action.MANAGE_MEMBERS).projectId();
        try {
            projects.addMember(projectId, username.strip(), role(role));
            return "redirect:" + path(project) + "?added=" + encode(username.strip());
        } catch (RegistryException e) {
            if (e.code() == ErrorCode.DENIED || e.code() == ErrorCode.UNAUTHORIZED) {
                throw e;
            }
            model.addAttribute("addError", e.getMessage());
            model.addAttribute("addUsername", username);
            model.addAttribute("addRole", role);
            return members(me, project, null, null, null, model);
        }
    }

    @PostMapping(PATH + "/{username}/role")
    String changeRole(Principal.User me, @PathVariable String project, @PathVariable String username,
                      @RequestParam(defaultValue = "") String role, Model model) {
        long projectId = access.require(me, project, Action.MANAGE_MEMBERS).projectId();
        try {
            projects.changeRole(projectId, username, role(role));
            return "redirect:" + path(project) + "?changed=" + encode(username);
        } catch (RegistryException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            model.addAttribute("problem", e.getMessage());
            return members(me, project, null, null, null, model);
        }
    }

    /** The confirmation step: who loses which role in which project (for the last project admin: why it cannot be done). */
    @GetMapping(PATH + "/{username}/remove")
    String confirmRemove(Principal.User me, @PathVariable String project, @PathVariable String username, Model model) {
        ProjectAccess allowed = access.require(me, project, Action.MANAGE_MEMBERS);
        Project p = projects.require(project);
        Member member = projects.requireMember(p.id(), username);
        model.addAttribute("project", p);
        model.addAttribute("access", allowed);
        model.addAttribute("member", member);
        model.addAttribute("lastAdmin", projects.isLastAdmin(member));
        return "member-remove";
    }

    @PostMapping(PATH + "/{username}/remove")
    String remove(Principal.User me, @PathVariable String project, @PathVariable String username, Model model) {
        long projectId = access.require(me, project, Action.MANAGE_MEMBERS).projectId();
        try {
            projects.removeMember(projectId, username);
            return "redirect:" + path(project) + "?removed=" + encode(username);
        } catch (RegistryException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            model.addAttribute("problem", e.getMessage());
            return members(me, project, null, null, null, model);
        }
    }

    private static Role role(String name) {
        try {
            return Role.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, e.getMessage());
        }
    }

    private static String path(String project) {
        return ConsolePaths.PROJECTS + "/" + encode(project) + "/members";
    }

    private static String encode(String segment) {
        return org.springframework.web.util.UriUtils.encode(segment, java.nio.charset.StandardCharsets.UTF_8);
    }
}
