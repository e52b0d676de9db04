package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.internal.RobotEntity;
import dev.registry.core.access.internal.RobotEntityRepository;
import dev.registry.core.project.Project;
import dev.registry.core.project.ProjectService;
import dev.registry.storage.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Robot accounts for CI and Kubernetes. Names need no quoting in a shell or a
 * {@code kubectl create secret} command: {@code robot.<project>.<name>} for a project robot,
 * {@code robot.<name>} for a system robot (Harbor's {@code robot$} prefix is its issue #15410).
 * The secret is 256 random bits, shown once at creation and on rotation and stored only as its
 * SHA-256 (a slow hash buys nothing for a random secret and would make every kubelet pull pay
 * for bcrypt). A robot may do exactly what is listed on it, in the projects listed. Every change
 * publishes its event ({@link RobotCreated}, {@link RobotRotated}, {@link RobotUpdated},
 * {@link RobotDeleted}) inside its transaction.
 */
@Service
public class RobotService {

    public static final Duration EXPIRY_WARNING = Duration.ofDays(7);
    public static final String ALL_PROJECTS = "*";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");

    /** What a new robot should be. {@code project} null makes a system robot; {@code expiresInDays} -1 is never. */
    public record Spec(String name, String description, String project, Map<String, Set<Action>> permissions,
                       boolean canCreateProjects, int expiresInDays) {
    }

    /** A robot and its secret, which is never shown again. */
    public record WithSecret(Robot robot, String secret) {
    }

    private final RobotEntityRepository robots;
    private final ProjectService projects;
    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final SecureRandom random = new SecureRandom();

    public RobotService(RobotEntityRepository robots, ProjectService projects, JdbcClient jdbc, ApplicationEventPublisher events) {
        this.robots = robots;
        this.projects = projects;
        this.jdbc = jdbc;
        this.events = events;
    }

    @Transactional
    public WithSecret create(Spec spec, String createdBy) {
        if (spec.name() == null || spec.name().length() > 64 || !NAME.matcher(spec.name()).matches()) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "invalid robot name '" + spec.name()
                    + "': 1 to 64 lower-case letters and digits, separated by single '-'", Map.of("field", "name"));
        }
        checkExpiry(spec.expiresInDays());
        Map<String, Set<Action>> permissions = checkPermissions(spec);
        Project project = spec.project() == null ? null : projects.require(spec.project());
        String fullName = project == null ? "robot." + spec.name() : "robot." + project.name() + "." + spec.name();
        if (robots.findByName(fullName).isPresent()) {
            throw new RegistryException(ErrorCode.CONFLICT, "robot " + fullName + " already exists");
        }
        String secret = newSecret();
        Instant now = Instant.now();
        Instant expiresAt = spec.expiresInDays() == -1 ? null : now.plus(Duration.ofDays(spec.expiresInDays()));
        RobotEntity robot = robots.save(new RobotEntity(fullName, spec.description(), project == null ? null : project.id(),
                hash(secret), spec.canCreateProjects() && project == null, expiresAt, createdBy, now));
        permissions.forEach((projectName, actions) -> grant(robot.getId(), projectName, actions));
        events.publishEvent(new RobotCreated(Actor.current(), fullName, project == null ? null : project.name()));
        return new WithSecret(toRobot(robot), secret);
    }

    /** Lists {@code actions} on the robot for one project (a robot that created a project administers it). */
    @Transactional
    public void grant(long robotId, String projectName, Set<Action> actions) {
        for (Action action : actions) {
            jdbc.sql("INSERT INTO robot_permission (robot_id, project_name, action) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                    .params(robotId, projectName, action.name()).update();
        }
    }

    @Transactional(readOnly = true)
    public Robot require(long id) {
        return toRobot(entity(id));
    }

    /**
     * The robot with this id, when it belongs to {@code project} (null: when it is a system robot);
     * {@code NAME_UNKNOWN} otherwise, so an id from elsewhere reveals nothing.
     */
    @Transactional(readOnly = true)
    public Robot requireIn(String project, long id) {
        Robot robot = robots.findById(id).map(this::toRobot).orElse(null);
        if (robot == null || !Objects.equals(robot.project(), project)) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "robot " + id + " does not exist"
                    + (project == null ? " among the system robots" : " in project " + project));
        }
        return robot;
    }

    /** Whether {@code secret} is the robot's current secret (compared in constant time). */
    @Transactional(readOnly = true)
    public boolean secretMatches(long id, String secret) {
        return matches(entity(id).getSecretHash(), secret);
    }

    /** Whether {@code secret} hashes to {@code storedHash}, compared in constant time. */
    static boolean matches(String storedHash, String secret) {
        return secret != null && MessageDigest.isEqual(storedHash.getBytes(StandardCharsets.US_ASCII),
                hash(secret).getBytes(StandardCharsets.US_ASCII));
    }

    /** Robots of a project, or system robots when {@code projectId} is null. */
    @Transactional(readOnly = true)
    public List<Robot> list(Long projectId, int page, int size) {
        long offset = (long) page * size;
        return (projectId == null ? robots.findSystemRobots(offset, size) : robots.findByProjectId(projectId, offset, size))
                .stream().map(this::toRobot).toList();
    }

    @Transactional(readOnly = true)
    public long count(Long projectId) {
        return projectId == null ? robots.countSystemRobots() : robots.countByProjectId(projectId);
    }

    /** A new secret; the old one and every token issued before stop working at once. */
    @Transactional
    public WithSecret rotate(long id) {
        RobotEntity robot = entity(id);
        String secret = newSecret();
        robot.setSecretHash(hash(secret), Instant.now());
        Robot rotated = toRobot(robot);
        events.publishEvent(new RobotRotated(Actor.current(), rotated.name(), rotated.project()));
        return new WithSecret(rotated, secret);
    }

    @Transactional
    public Robot update(long id, Boolean disabled, String description, Integer expiresInDays) {
        return update(id, disabled, description, expiresInDays, null);
    }

    /**
     * Changes what is given (null: unchanged). {@code permissions} replaces the robot's
     * permissions whole, checked as at creation: only actions robots may hold, a project robot's
     * only in its own project, existing projects, at least one permission (unless a system robot
     * may create projects). Audited as one {@link RobotUpdated} naming what changed; a refused
     * change changes nothing. A change of permissions ends the tokens issued before it (their
     * scopes were granted under the old permissions): the robot's clients sign in again.
     */
    @Transactional
    public Robot update(long id, Boolean disabled, String description, Integer expiresInDays,
                        Map<String, Set<Action>> permissions) {
        RobotEntity robot = entity(id);
        List<String> changes = new ArrayList<>();
        if (permissions != null) {
            Robot current = toRobot(robot);
            Map<String, Set<Action>> checked = checkPermissions(new Spec(robot.getName(), null, current.project(), permissions,
                    current.canCreateProjects(), -1));
            jdbc.sql("DELETE FROM robot_permission WHERE robot_id = ?").param(id).update();
            checked.forEach((projectName, actions) -> grant(id, projectName, actions));
            robot.permissionsChanged(Instant.now());
            Map<String, List<String>> listed = new TreeMap<>();
            checked.forEach((projectName, actions) -> listed.put(projectName, actions.stream().map(Action::wireName).toList()));
            changes.add("permissions " + listed);
        }
        if (disabled != null) {
            robot.setDisabled(disabled);
            changes.add(disabled ? "disabled" : "enabled");
        }
        if (description != null) {
            robot.setDescription(description);
            changes.add("description");
        }
        if (expiresInDays != null) {
            checkExpiry(expiresInDays);
            robot.setExpiresAt(expiresInDays == -1 ? null : Instant.now().plus(Duration.ofDays(expiresInDays)));
            changes.add(expiresInDays == -1 ? "never expires" : "expires in " + expiresInDays + " days");
        }
        Robot updated = toRobot(robot);
        if (!changes.isEmpty()) {
            events.publishEvent(new RobotUpdated(Actor.current(), updated.name(), updated.project(), String.join(", ", changes)));
        }
        return updated;
    }

    @Transactional
    public void delete(long id) {
        Robot robot = toRobot(entity(id));
        robots.deleteById(id);
        events.publishEvent(new RobotDeleted(Actor.current(), robot.name(), robot.project()));
    }

    private static void checkExpiry(int expiresInDays) {
        if (expiresInDays == 0 || expiresInDays < -1 || expiresInDays > 36_500) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "expiresInDays is a number of days from 1 to 36500, or -1 for never",
                    Map.of("field", "expiresInDays"));
        }
    }

    /** The SHA-256 of a secret, as stored. */
    public static String hash(String secret) {
        return Digest.sha256(secret.getBytes(StandardCharsets.UTF_8)).hex();
    }

    private Map<String, Set<Action>> checkPermissions(Spec spec) {
        Map<String, Set<Action>> permissions = new TreeMap<>();
        (spec.permissions() == null ? Map.<String, Set<Action>>of() : spec.permissions()).forEach((projectName, actions) -> {
            if (actions == null || actions.isEmpty()) {
                return;
            }
            EnumSet<Action> listed = EnumSet.copyOf(actions);
            listed.removeAll(PermissionMatrix.ROBOT_GRANTABLE);
            if (!listed.isEmpty()) {
                throw new RegistryException(ErrorCode.INVALID_INPUT, "robots may only be given " + wire(PermissionMatrix.ROBOT_GRANTABLE)
                        + "; not " + wire(listed), Map.of("field", "permissions"));
            }
            if (spec.project() != null && !spec.project().equals(projectName)) {
                throw new RegistryException(ErrorCode.INVALID_INPUT, "a project robot's permissions name its own project, "
                        + spec.project() + ", not " + projectName, Map.of("field", "permissions"));
            }
            if (!ALL_PROJECTS.equals(projectName)) {
                projects.require(projectName);
            }
            permissions.put(projectName, EnumSet.copyOf(actions));
        });
        if (permissions.isEmpty() && !spec.canCreateProjects()) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "a robot needs at least one permission", Map.of("field", "permissions"));
        }
        return permissions;
    }

    private static String wire(Set<Action> actions) {
        return actions.stream().map(Action::wireName).toList().toString();
    }

    private RobotEntity entity(long id) {
        return robots.findById(id).orElseThrow(() -> new RegistryException(ErrorCode.NAME_UNKNOWN, "robot " + id + " does not exist"));
    }

    private String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    Robot toRobot(RobotEntity e) {
        Map<String, Set<Action>> permissions = new LinkedHashMap<>();
        jdbc.sql("SELECT project_name, action FROM robot_permission WHERE robot_id = ? ORDER BY project_name, action")
                .param(e.getId())
                .query((rs, n) -> Map.entry(rs.getString(1), Action.valueOf(rs.getString(2)))).list()
                .forEach(p -> permissions.computeIfAbsent(p.getKey(), k -> EnumSet.noneOf(Action.class)).add(p.getValue()));
        String project = e.getProjectId() == null ? null
                : jdbc.sql("SELECT name FROM project WHERE id = ?").param(e.getProjectId()).query(String.class).single();
        Instant now = Instant.now();
        boolean expired = e.getExpiresAt() != null && !e.getExpiresAt().isAfter(now);
        boolean soon = !expired && e.getExpiresAt() != null && e.getExpiresAt().isBefore(now.plus(EXPIRY_WARNING));
        return new Robot(e.getId(), e.getName(), e.getDescription(), project, permissions, e.isCanCreateProjects(),
                e.isDisabled(), e.getExpiresAt(), expired, soon, e.getCreatedBy(), e.getCreatedAt());
    }
}
