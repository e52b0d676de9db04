package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.ThrottledException;
import dev.registry.core.access.internal.LoginThrottle;
import dev.registry.core.access.internal.RobotEntity;
import dev.registry.core.access.internal.RobotEntityRepository;
import dev.registry.core.access.internal.UserEntity;
import dev.registry.core.access.internal.UserEntityRepository;
import dev.registry.storage.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Who a username and password (or robot name and secret) belong to, and whether a principal named
 * in a token still exists and may still act.
 *
 * <p>Passwords are bcrypt hashes: checking one costs tens of milliseconds, too much for a client
 * that sends Basic credentials with every request. A successful check is remembered in this
 * process, keyed by a SHA-256 of name and password, together with the hash it was checked
 * against; it counts only while the stored hash is still that one, and the user's row is read on
 * every request anyway. So a changed password or a deleted user holds at once, on every replica,
 * and the cache only saves the bcrypt work.
 */
@Service
public class CredentialService {

    private static final int CACHE_LIMIT = 10_000;

    private final UserEntityRepository users;
    private final RobotEntityRepository robots;
    private final PasswordEncoder encoder;
    private final LoginThrottle throttle;
    private final ApplicationEventPublisher events;
    private final JdbcClient jdbc;
    private final Map<String, String> verified = new ConcurrentHashMap<>();

    public CredentialService(UserEntityRepository users, RobotEntityRepository robots, PasswordEncoder encoder,
                             LoginThrottle throttle, ApplicationEventPublisher events, JdbcClient jdbc) {
        this.events = events;
        this.jdbc = jdbc;
        this.users = users;
        this.robots = robots;
        this.encoder = encoder;
        this.throttle = throttle;
    }

    /**
     * The principal for these credentials. {@code UNAUTHORIZED} when they are wrong (the same
     * message whatever was wrong, a password longer than bcrypt's 72 bytes included); a disabled
     * or expired robot is {@code UNAUTHORIZED} with the reason. Every refusal is published as
     * {@link LoginFailed} (the audit log records it with the address).
     *
     * <p>Users: {@code TOOMANYREQUESTS} ({@link ThrottledException}) while a wait runs for this
     * name from this address, or for this address ({@link LoginPolicy}); then nothing is checked,
     * so the answer is the same whether the password is right, wrong or remembered in the cache
     * below. The same name from another address is not slowed down: the guesser waits, the
     * account is never locked.
     *
     * <p>Robots are never slowed down: a robot's secret is 256 random bits, so guessing it is
     * hopeless at any rate, while a wait would only stop kubelets and CI jobs from pulling (a
     * node whose pod has a stale secret would block the robot for every node behind the same
     * address).
     */
    public Principal authenticate(String username, String password, String address) {
        if (username == null || username.isEmpty() || password == null) {
            throw failed(username, address, wrong());
        }
        if (username.startsWith("robot.")) {
            return authenticateRobot(username, password, address);
        }
        int failures = throttle.check(username, address);
        Optional<UserEntity> found = users.findByUsername(username);
        String cacheKey = cacheKey(username, password);
        if (found.isPresent() && found.get().getPasswordHash().equals(verified.get(cacheKey))) {
            return succeeded(found.get(), address, failures);
        }
        if (found.isEmpty() || !UserService.fitsHash(password) || !encoder.matches(password, found.get().getPasswordHash())) {
            throttle.failed(username, address);
            throw failed(username, address, wrong());
        }
        if (verified.size() >= CACHE_LIMIT) {
            verified.clear();
        }
        verified.put(cacheKey, found.get().getPasswordHash());
        return succeeded(found.get(), address, failures);
    }

    private Principal succeeded(UserEntity user, String address, int failures) {
        if (failures > 0) {
            throttle.succeeded(user.getUsername(), address);
        }
        return toPrincipal(user);
    }

    private Principal authenticateRobot(String name, String secret, String address) {
        Optional<RobotEntity> found = robots.findByName(name);
        boolean matches = found.isPresent() && RobotService.matches(found.get().getSecretHash(), secret);
        if (!matches) {
            throw failed(name, address, wrong());
        }
        RobotEntity robot = found.get();
        try {
            refuseIfInactive(robot, Instant.now());
        } catch (RegistryException e) {
            throw failed(name, address, e);
        }
        return toPrincipal(robot);
    }

    /** Publishes the refusal for the audit log and returns it to be thrown. */
    private RegistryException failed(String name, String address, RegistryException refusal) {
        events.publishEvent(new LoginFailed(new Actor("anonymous", "anonymous", address),
                name == null ? "" : name, refusal.getMessage()));
        return refusal;
    }

    /**
     * The principal a token names, if it may still act: it exists, a robot is enabled and not
     * expired, and its credentials did not change after {@code issuedAt} (a rotated secret or a
     * new password ends every token issued before). Throws {@code UNAUTHORIZED} with the reason
     * otherwise.
     */
    public Principal current(String kind, long id, Instant issuedAt) {
        // one plain statement per request that carries a token (every pull's manifest and blob GETs): a repository
        // findById opened a read-only JPA transaction and loaded the whole entity, a fifth of a warm manifest GET's
        // CPU (issue 15's profile)
        Instant now = Instant.now();
        if ("robot".equals(kind)) {
            RobotState robot = jdbc.sql("SELECT name, project_id, can_create_projects, disabled, expires_at, credentials_changed_at"
                            + " FROM robot WHERE id = ?").param(id)
                    .query((rs, row) -> new RobotState(new Principal.Robot(id, rs.getString(1), rs.getObject(2, Long.class),
                            rs.getBoolean(3)), rs.getBoolean(4), instant(rs.getObject(5, OffsetDateTime.class)),
                            instant(rs.getObject(6, OffsetDateTime.class))))
                    .optional().orElseThrow(() -> unauthorized("the robot account of this token no longer exists"));
            refuseIfInactive(robot.principal().name(), robot.disabled(), robot.expiresAt(), now);
            if (robot.credentialsChangedAt().truncatedTo(ChronoUnit.SECONDS).isAfter(issuedAt)) {
                throw unauthorized("the secret or the permissions of " + robot.principal().name()
                        + " changed after this token was issued; sign in again");
            }
            return robot.principal();
        }
        if ("user".equals(kind)) {
            UserState user = jdbc.sql("SELECT username, system_admin, credentials_changed_at FROM user_account WHERE id = ?")
                    .param(id)
                    .query((rs, row) -> new UserState(new Principal.User(id, rs.getString(1), rs.getBoolean(2)),
                            instant(rs.getObject(3, OffsetDateTime.class))))
                    .optional().orElseThrow(() -> unauthorized("the user of this token no longer exists"));
            if (user.credentialsChangedAt().truncatedTo(ChronoUnit.SECONDS).isAfter(issuedAt)) {
                throw unauthorized("the password of " + user.principal().name() + " changed after this token was issued; sign in again");
            }
            return user.principal();
        }
        throw unauthorized("the token names no known kind of principal");
    }

    private record RobotState(Principal.Robot principal, boolean disabled, Instant expiresAt, Instant credentialsChangedAt) {
    }

    private record UserState(Principal.User principal, Instant credentialsChangedAt) {
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static void refuseIfInactive(RobotEntity robot, Instant now) {
        refuseIfInactive(robot.getName(), robot.isDisabled(), robot.getExpiresAt(), now);
    }

    private static void refuseIfInactive(String name, boolean disabled, Instant expiresAt, Instant now) {
        if (disabled) {
            throw unauthorized("robot account " + name + " is disabled");
        }
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw unauthorized("robot account " + name + " expired at " + expiresAt);
        }
    }

    public static String kindOf(Principal principal) {
        return switch (principal) {
            case Principal.User u -> "user";
            case Principal.Robot r -> "robot";
            case Principal.Anonymous a -> "anonymous";
        };
    }

    public static long idOf(Principal principal) {
        return switch (principal) {
            case Principal.User u -> u.id();
            case Principal.Robot r -> r.id();
            case Principal.Anonymous a -> 0;
        };
    }

    private static Principal toPrincipal(UserEntity user) {
        return new Principal.User(user.getId(), user.getUsername(), user.isSystemAdmin());
    }

    private static Principal toPrincipal(RobotEntity robot) {
        return new Principal.Robot(robot.getId(), robot.getName(), robot.getProjectId(), robot.isCanCreateProjects());
    }

    private static String cacheKey(String username, String password) {
        return Digest.sha256((username + '\0' + password).getBytes(StandardCharsets.UTF_8)).hex();
    }

    private static RegistryException wrong() {
        return unauthorized("incorrect username or password");
    }

    private static RegistryException unauthorized(String message) {
        return new RegistryException(ErrorCode.UNAUTHORIZED, message);
    }
}
