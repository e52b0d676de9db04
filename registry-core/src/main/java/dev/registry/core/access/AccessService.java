package dev.registry.core.access;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.project.Role;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The one access decision: what a {@link Principal} may do in a project, from the project's
 * public flag, the principal's role ({@link PermissionMatrix}) or a robot's listed permissions.
 * The {@code /v2} filter, the token service and the management API all ask here, and nowhere
 * else decides. Every answer is read from the database at the time of asking (one or two indexed
 * queries), so a change of role, a disabled robot or a project made private holds at once on
 * every replica.
 */
@Service
public class AccessService {

    private final JdbcClient jdbc;
    private final AccessPolicy policy;

    public AccessService(JdbcClient jdbc, AccessPolicy policy) {
        this.jdbc = jdbc;
        this.policy = policy;
    }

    public AccessPolicy policy() {
        return policy;
    }

    /** What {@code principal} may do in the project named {@code project} (which may not exist). */
    public ProjectAccess access(Principal principal, String project) {
        ProjectAccess access = switch (principal) {
            case Principal.Anonymous anonymous -> projectOnly(project, EnumSet.noneOf(Action.class));
            case Principal.User user when user.systemAdmin() -> {
                ProjectAccess base = projectOnly(project, EnumSet.noneOf(Action.class));
                yield base.exists() ? new ProjectAccess(project, base.projectId(), base.isPublic(), PermissionMatrix.all(), base.proxy())
                        : base;
            }
            case Principal.User user -> forUser(user, project);
            case Principal.Robot robot -> forRobot(robot, project);
        };
        if (access.proxy() && access.actions().contains(Action.PUSH)) {
            // a proxy project's content comes from its upstreams only
            EnumSet<Action> actions = EnumSet.copyOf(access.actions());
            actions.remove(Action.PUSH);
            return new ProjectAccess(project, access.projectId(), access.isPublic(), actions, true);
        }
        return access;
    }

    /**
     * Throws unless the principal may do {@code action} in the project: {@code NAME_UNKNOWN} when
     * the project does not exist or the principal may not even see it (a private project is not
     * revealed to outsiders), {@code DENIED} with the reason otherwise.
     */
    public ProjectAccess require(Principal principal, String project, Action action) {
        ProjectAccess access = access(principal, project);
        if (access.may(action)) {
            return access;
        }
        if (!access.exists() || access.actions().isEmpty()) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN,
                    "project " + project + " does not exist or is not visible to " + principal.name());
        }
        throw new RegistryException(ErrorCode.DENIED, explain(principal, access, action));
    }

    /** Whether the principal may create projects (by API, or by pushing when create-on-push is on). */
    public boolean mayCreateProject(Principal principal) {
        return switch (principal) {
            case Principal.Anonymous anonymous -> false;
            case Principal.User user -> user.systemAdmin() || !policy.onlyAdminsCreate();
            case Principal.Robot robot -> robot.canCreateProjects();
        };
    }

    /** Throws {@code DENIED} unless the principal is a system admin. */
    public void requireSystemAdmin(Principal principal) {
        if (!(principal instanceof Principal.User user && user.systemAdmin())) {
            throw new RegistryException(principal.isAnonymous() ? ErrorCode.UNAUTHORIZED : ErrorCode.DENIED,
                    principal.isAnonymous() ? "sign in as a system administrator" : principal.name() + " is not a system administrator");
        }
    }

    /** Ids of projects whose repositories the principal may pull; {@code null} for all of them. */
    public List<Long> pullableProjects(Principal principal) {
        return switch (principal) {
            case Principal.Anonymous anonymous -> jdbc.sql("SELECT id FROM project WHERE is_public").query(Long.class).list();
            case Principal.User user when user.systemAdmin() -> null;
            case Principal.User user -> jdbc.sql("SELECT id FROM project WHERE is_public OR id IN (SELECT project_id FROM"
                    + " project_member WHERE principal_kind = 'USER' AND principal_id = ?)").param(user.id()).query(Long.class).list();
            case Principal.Robot robot -> {
                boolean everywhere = jdbc.sql("SELECT count(*) FROM robot_permission WHERE robot_id = ? AND project_name = '*'"
                        + " AND action = 'PULL'").param(robot.id()).query(Long.class).single() > 0;
                yield everywhere ? null : jdbc.sql("SELECT id FROM project WHERE is_public OR name IN (SELECT project_name FROM"
                        + " robot_permission WHERE robot_id = ? AND action = 'PULL')").param(robot.id()).query(Long.class).list();
            }
        };
    }

    /** A sentence for the person at the client saying why {@code action} is refused. */
    public String explain(Principal principal, ProjectAccess access, Action action) {
        boolean push = action == Action.PUSH;
        String notOnPush = policy.createOnPush() ? "" : " (projects are not created on push)";
        if (!access.exists() && principal instanceof Principal.User user && user.systemAdmin()) {
            // a system admin sees every project: saying that it does not exist reveals nothing
            return "project " + access.project() + " does not exist" + (push ? "; ask an administrator to create it" + notOnPush : "");
        }
        if (!access.exists() || access.actions().isEmpty()) {
            // the same words whether it does not exist or the principal may not see it: a private project is not revealed
            return "project " + access.project() + " does not exist or is not visible to " + principal.name()
                    + (push ? "; ask an administrator to create it or to give you access" + notOnPush : "");
        }
        if (access.proxy() && push) {
            return "project " + access.project() + " is a proxy cache: its images come from its upstream registries, and"
                    + " nobody pushes into it";
        }
        String who = switch (principal) {
            case Principal.Anonymous a -> "anonymous users";
            case Principal.User u -> "user " + u.name() + roleSuffix(u, access);
            case Principal.Robot r -> "robot " + r.name();
        };
        return who + " may not " + action.wireName().replace('-', ' ') + " in project " + access.project();
    }

    private String roleSuffix(Principal.User user, ProjectAccess access) {
        Role role = jdbc.sql("SELECT role FROM project_member WHERE project_id = ? AND principal_kind = 'USER' AND principal_id = ?")
                .params(access.projectId(), user.id()).query(String.class).optional().map(Role::valueOf).orElse(null);
        return role == null ? " (not a member)" : " (" + role.name().toLowerCase().replace('_', ' ') + ")";
    }

    private ProjectAccess projectOnly(String project, Set<Action> granted) {
        return jdbc.sql("SELECT id, is_public, proxy FROM project WHERE name = ?").param(project)
                .query((rs, n) -> {
                    boolean isPublic = rs.getBoolean(2);
                    EnumSet<Action> actions = EnumSet.noneOf(Action.class);
                    actions.addAll(granted);
                    if (isPublic) {
                        actions.addAll(PermissionMatrix.PUBLIC);
                    }
                    return new ProjectAccess(project, rs.getLong(1), isPublic, actions, rs.getBoolean(3));
                })
                .optional().orElseGet(() -> new ProjectAccess(project, null, false, Set.of()));
    }

    private ProjectAccess forUser(Principal.User user, String project) {
        return jdbc.sql("SELECT p.id, p.is_public, m.role, p.proxy FROM project p LEFT JOIN project_member m ON m.project_id = p.id"
                        + " AND m.principal_kind = 'USER' AND m.principal_id = ? WHERE p.name = ?")
                .params(user.id(), project)
                .query((rs, n) -> {
                    boolean isPublic = rs.getBoolean(2);
                    String role = rs.getString(3);
                    EnumSet<Action> actions = EnumSet.noneOf(Action.class);
                    if (role != null) {
                        actions.addAll(PermissionMatrix.of(Role.valueOf(role)));
                    }
                    if (isPublic) {
                        actions.addAll(PermissionMatrix.PUBLIC);
                    }
                    return new ProjectAccess(project, rs.getLong(1), isPublic, actions, rs.getBoolean(4));
                })
                .optional().orElseGet(() -> new ProjectAccess(project, null, false, Set.of()));
    }

    private ProjectAccess forRobot(Principal.Robot robot, String project) {
        EnumSet<Action> listed = EnumSet.noneOf(Action.class);
        jdbc.sql("SELECT action FROM robot_permission WHERE robot_id = ? AND project_name IN (?, '*')")
                .params(robot.id(), project).query(String.class).list()
                .forEach(a -> listed.add(Action.valueOf(a)));
        ProjectAccess base = projectOnly(project, listed);
        if (base.exists() && robot.projectId() != null && !robot.projectId().equals(base.projectId())) {
            // a project robot never acts outside its project, whatever its rows say
            return projectOnly(project, EnumSet.noneOf(Action.class));
        }
        return base;
    }
}
