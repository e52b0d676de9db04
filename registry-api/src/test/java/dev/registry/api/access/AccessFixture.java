package dev.registry.api.access;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.core.access.Action;
import dev.registry.core.access.ProjectCreator;
import dev.registry.core.access.Principal;
import dev.registry.core.access.RobotService;
import dev.registry.core.access.UserService;
import dev.registry.core.project.Project;
import dev.registry.core.project.ProjectService;
import dev.registry.core.project.Role;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A project with one member per role, an outsider, and robots of every kind, made through the
 * real services of a running test context. Every fixture has its own projects ({@code pm<n>} and
 * {@code other<n>}) and names, so test classes sharing a context never see each other's.
 *
 * <p>{@link #callers()} names each caller the way the permission matrix tests do:
 * {@code anonymous}, {@code admin}, {@code project-admin}, {@code maintainer}, {@code developer},
 * {@code guest}, {@code limited-guest}, {@code outsider}, {@code robot-pull}, {@code robot-push},
 * {@code robot-other-project}, {@code system-robot}, {@code robot-disabled}, {@code robot-expired}.
 */
public final class AccessFixture {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    public static final String PASSWORD = "Passw0rd-Matrix";

    public final String project;
    public final String otherProject;
    /** caller name to {@code user:password} (absent for anonymous). */
    private final Map<String, String> credentials = new LinkedHashMap<>();

    /** A new fixture in the running test context. */
    public static AccessFixture create(ApplicationContext context) {
        return new AccessFixture(context.getBean(ProjectService.class), context.getBean(ProjectCreator.class),
                context.getBean(UserService.class), context.getBean(RobotService.class), context.getBean(JdbcTemplate.class));
    }

    private AccessFixture(ProjectService projects, ProjectCreator creator, UserService users, RobotService robots,
                          JdbcTemplate jdbc) {
        int n = SEQUENCE.incrementAndGet() * 1000 + (int) (System.nanoTime() % 1000);
        Principal.User admin = new Principal.User(users.find(UserService.ADMIN).orElseThrow().id(), UserService.ADMIN, true);
        Project main = creator.create(admin, "pm" + n, false, null);
        Project other = creator.create(admin, "other" + n, false, null);
        this.project = main.name();
        this.otherProject = other.name();
        credentials.put("anonymous", null);
        credentials.put("admin", RegistryIntegrationTest.ADMIN + ":" + RegistryIntegrationTest.ADMIN_PASSWORD);
        for (Role role : Role.values()) {
            String caller = role.name().toLowerCase().replace('_', '-');
            String username = caller + "-" + n;
            long id = users.create(username, PASSWORD, null, null, false).id();
            projects.setMember(main.id(), id, role);
            credentials.put(caller, username + ":" + PASSWORD);
        }
        String outsider = "outsider-" + n;
        long outsiderId = users.create(outsider, PASSWORD, null, null, false).id();
        projects.setMember(other.id(), outsiderId, Role.PROJECT_ADMIN);
        credentials.put("outsider", outsider + ":" + PASSWORD);
        credentials.put("robot-pull", robot(robots, "pull", project, EnumSet.of(Action.PULL), 30));
        credentials.put("robot-push", robot(robots, "push", project, EnumSet.of(Action.PULL, Action.PUSH), -1));
        credentials.put("robot-other-project", robot(robots, "ci", otherProject, EnumSet.allOf(Action.class).clone()
                .stream().filter(a -> Set.of(Action.PULL, Action.PUSH, Action.DELETE_ARTIFACT, Action.DELETE_TAG).contains(a))
                .collect(java.util.stream.Collectors.toCollection(() -> EnumSet.noneOf(Action.class))), -1));
        RobotService.WithSecret system = robots.create(new RobotService.Spec("system-" + n, "pulls everywhere", null,
                Map.of(RobotService.ALL_PROJECTS, EnumSet.of(Action.PULL)), false, -1), "admin");
        credentials.put("system-robot", system.robot().name() + ":" + system.secret());
        RobotService.WithSecret disabled = robots.create(new RobotService.Spec("disabled", null, project,
                Map.of(project, EnumSet.of(Action.PULL, Action.PUSH)), false, -1), "admin");
        robots.update(disabled.robot().id(), true, null, null);
        credentials.put("robot-disabled", disabled.robot().name() + ":" + disabled.secret());
        RobotService.WithSecret expired = robots.create(new RobotService.Spec("expired", null, project,
                Map.of(project, EnumSet.of(Action.PULL, Action.PUSH)), false, 1), "admin");
        jdbc.update("UPDATE robot SET expires_at = ? WHERE id = ?",
                java.time.OffsetDateTime.now().minusHours(1), expired.robot().id());
        credentials.put("robot-expired", expired.robot().name() + ":" + expired.secret());
    }

    private static String robot(RobotService robots, String name, String project, Set<Action> actions, int days) {
        RobotService.WithSecret created = robots.create(new RobotService.Spec(name, null, project, Map.of(project, actions),
                false, days), "admin");
        return created.robot().name() + ":" + created.secret();
    }

    public Set<String> callers() {
        return credentials.keySet();
    }

    /** {@code user:password} of a caller; null for anonymous. */
    public String credentials(String caller) {
        if (!credentials.containsKey(caller)) {
            throw new IllegalArgumentException("no caller " + caller);
        }
        return credentials.get(caller);
    }

    /** A client sending the caller's Basic credentials (none for anonymous). */
    public RegistryClient basic(int port, String caller) {
        String c = credentials(caller);
        return c == null ? RegistryClient.anonymous(port) : new RegistryClient(port, c.substring(0, c.indexOf(':')),
                c.substring(c.indexOf(':') + 1));
    }
}
