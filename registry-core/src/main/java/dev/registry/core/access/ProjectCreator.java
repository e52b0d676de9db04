package dev.registry.core.access;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.project.Project;
import dev.registry.core.project.ProjectService;
import dev.registry.core.proxy.ProxyService;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating a project on someone's behalf, by the management API or by a first push when
 * {@code registry.projects.create-on-push} is on. The creator administers what it created: a
 * user becomes its Project Admin, a robot gets every robot permission on it (Harbor #23985).
 */
@Service
public class ProjectCreator {

    private final AccessService access;
    private final ProjectService projects;
    private final RobotService robots;
    private final ProxyService proxies;

    public ProjectCreator(AccessService access, ProjectService projects, RobotService robots, ProxyService proxies) {
        this.access = access;
        this.projects = projects;
        this.robots = robots;
        this.proxies = proxies;
    }

    @Transactional
    public Project create(Principal creator, String name, boolean isPublic, Long quotaBytes) {
        requireMayCreate(creator);
        if (quotaBytes != null) {
            access.requireSystemAdmin(creator); // quotas are the system admin's (as in Harbor)
        }
        Project project = projects.create(name, isPublic, quotaBytes, creator.name(),
                creator instanceof Principal.User user ? user.id() : null);
        if (creator instanceof Principal.Robot robot) {
            robots.grant(robot.id(), project.name(), PermissionMatrix.ROBOT_GRANTABLE);
        }
        return project;
    }

    /**
     * Creates a proxy project (system admins only, as in Harbor): pulls of what it lacks are fetched from the named
     * endpoints, tried in this order; it serves mirror pulls ({@code ?ns=}) of {@code mirrorOf} (null: its first
     * endpoint's host).
     */
    @Transactional
    public Project createProxy(Principal creator, String name, boolean isPublic, Long quotaBytes, List<String> endpoints,
                               String mirrorOf) {
        access.requireSystemAdmin(creator);
        Project project = create(creator, name, isPublic, quotaBytes);
        proxies.bind(project.id(), endpoints, mirrorOf);
        return project;
    }

    /** The project a push goes into, created (private) when it is missing and the pusher may create it. */
    @Transactional
    public void createOnPush(Principal pusher, String name) {
        if (!access.policy().createOnPush() || projects.find(name).isPresent() || !access.mayCreateProject(pusher)) {
            return;
        }
        projects.createIfAbsent(name, pusher.name(), pusher instanceof Principal.User user ? user.id() : null);
        if (pusher instanceof Principal.Robot robot) {
            robots.grant(robot.id(), name, PermissionMatrix.ROBOT_GRANTABLE);
        }
    }

    private void requireMayCreate(Principal creator) {
        if (!access.mayCreateProject(creator)) {
            throw new RegistryException(creator.isAnonymous() ? ErrorCode.UNAUTHORIZED : ErrorCode.DENIED,
                    creator.isAnonymous() ? "sign in to create projects" : creator.name() + " may not create projects");
        }
    }
}
