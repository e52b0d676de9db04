package dev.registry.core.access;

import dev.registry.core.Actor;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.internal.LoginThrottle;
import dev.registry.core.access.internal.UserEntity;
import dev.registry.core.access.internal.UserEntityRepository;
import dev.registry.core.jpa.Like;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Local users: created by a system admin, passwords hashed with Spring Security's delegating
 * encoder (bcrypt, with the algorithm id stored beside the hash so it can change later). The first
 * admin, {@code admin}, is made at first start ({@link #ensureAdmin}). Every change publishes its
 * event ({@link UserCreated}, {@link UserUpdated}, {@link PasswordChanged}, {@link UserDeleted})
 * inside its transaction.
 */
@Service
public class UserService {

    public static final String ADMIN = "admin";
    /** bcrypt reads at most 72 bytes; Spring Security refuses longer passwords rather than cut them. */
    public static final int MAX_PASSWORD_BYTES = 72;
    /** The password rule (Harbor's, with bcrypt's limit), as every refusal states it. */
    public static final String PASSWORD_RULE = "a password has at least 8 characters and at most " + MAX_PASSWORD_BYTES
            + " bytes in UTF-8 (bcrypt's limit), with at least one upper-case letter, one lower-case letter and one digit";
    /** Names that need no quoting anywhere; {@code robot…} is the robots' namespace. */
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");

    private final UserEntityRepository users;
    private final PasswordEncoder encoder;
    private final ApplicationEventPublisher events;
    private final LoginThrottle throttle;

    public UserService(UserEntityRepository users, PasswordEncoder encoder, ApplicationEventPublisher events,
                       LoginThrottle throttle) {
        this.users = users;
        this.encoder = encoder;
        this.events = events;
        this.throttle = throttle;
    }

    /**
     * Creates {@code admin} unless it exists. Its password is {@code configured} when given, else a
     * generated one, returned so that the caller prints it once. Empty when the admin existed.
     */
    @Transactional
    public Optional<String> ensureAdmin(String configured) {
        if (users.findByUsername(ADMIN).isPresent()) {
            return Optional.empty();
        }
        String password = configured == null || configured.isBlank() ? generatePassword() : configured;
        int created = users.insertAdminIfAbsent(ADMIN, encoder.encode(password), Instant.now());
        return created == 1 && (configured == null || configured.isBlank()) ? Optional.of(password) : Optional.empty();
    }

    /**
     * The recovery for a lost admin password, run from the machine (the application's
     * {@code --reset-admin-password} argument), never over the network: sets the password of
     * {@code admin} (creating the account if it is missing) to {@code configured} when given (it
     * must follow {@link #PASSWORD_RULE}), else to a generated one that is returned so that the
     * caller prints it once; forgets the admin's failed logins. Audited as a password reset and a
     * clearing of failed logins by {@code system}.
     */
    @Transactional
    public Optional<String> resetAdminPassword(String configured) {
        boolean generate = configured == null || configured.isBlank();
        if (!generate) {
            try {
                checkPassword(configured, "REGISTRY_ADMIN_PASSWORD");
            } catch (RegistryException e) {
                throw new RegistryException(ErrorCode.INVALID_INPUT, "REGISTRY_ADMIN_PASSWORD is refused: " + e.getMessage(),
                        Map.of("field", "REGISTRY_ADMIN_PASSWORD"));
            }
        }
        String password = generate ? generatePassword() : configured;
        UserEntity admin = users.findByUsername(ADMIN).orElse(null);
        if (admin == null) {
            users.insertAdminIfAbsent(ADMIN, encoder.encode(password), Instant.now());
        } else {
            admin.setPasswordHash(encoder.encode(password), Instant.now());
            events.publishEvent(new PasswordChanged(Actor.current(), ADMIN, true));
        }
        int addresses = throttle.clear(ADMIN);
        events.publishEvent(new LoginFailuresCleared(Actor.current(), ADMIN, addresses));
        return generate ? Optional.of(password) : Optional.empty();
    }

    /**
     * Forgets the user's failed logins from every address, so waits imposed on them end at once
     * (waits of an address over all names end on their own). The number of addresses forgotten.
     */
    @Transactional
    public int clearLoginFailures(long id) {
        UserEntity user = users.findById(id).orElseThrow(() -> unknown(Long.toString(id)));
        int addresses = throttle.clear(user.getUsername());
        events.publishEvent(new LoginFailuresCleared(Actor.current(), user.getUsername(), addresses));
        return addresses;
    }

    @Transactional
    public User create(String username, String password, String email, String fullName, boolean systemAdmin) {
        checkUsername(username);
        checkPassword(password, "password");
        if (users.findByUsername(username).isPresent()) {
            throw new RegistryException(ErrorCode.CONFLICT, "user " + username + " already exists");
        }
        User created = toUser(users.save(new UserEntity(username, encoder.encode(password), email, fullName, systemAdmin, Instant.now())));
        events.publishEvent(new UserCreated(Actor.current(), username, systemAdmin));
        return created;
    }

    @Transactional(readOnly = true)
    public Optional<User> find(String username) {
        return users.findByUsername(username).map(UserService::toUser);
    }

    @Transactional(readOnly = true)
    public User require(long id) {
        return users.findById(id).map(UserService::toUser).orElseThrow(() -> unknown(Long.toString(id)));
    }

    @Transactional(readOnly = true)
    public List<User> list(String search, int page, int size) {
        return users.findMatching(Like.containing(search), (long) page * size, size).stream().map(UserService::toUser).toList();
    }

    @Transactional(readOnly = true)
    public long count(String search) {
        return users.countMatching(Like.containing(search));
    }

    /** A user changes their own password: the current one must match. */
    @Transactional
    public void changePassword(long id, String current, String replacement) {
        UserEntity user = users.findById(id).orElseThrow(() -> unknown(Long.toString(id)));
        if (current == null || !fitsHash(current) || !encoder.matches(current, user.getPasswordHash())) {
            throw new RegistryException(ErrorCode.DENIED, "the current password is not correct");
        }
        checkPassword(replacement, "newPassword");
        user.setPasswordHash(encoder.encode(replacement), Instant.now());
        events.publishEvent(new PasswordChanged(Actor.current(), user.getUsername(), false));
    }

    /** A system admin sets someone's password. */
    @Transactional
    public void resetPassword(long id, String replacement) {
        UserEntity user = users.findById(id).orElseThrow(() -> unknown(Long.toString(id)));
        checkPassword(replacement, "password");
        user.setPasswordHash(encoder.encode(replacement), Instant.now());
        events.publishEvent(new PasswordChanged(Actor.current(), user.getUsername(), true));
    }

    @Transactional
    public User update(long id, String email, String fullName, Boolean systemAdmin) {
        UserEntity user = users.findById(id).orElseThrow(() -> unknown(Long.toString(id)));
        List<String> changes = new ArrayList<>();
        if (email != null) {
            user.setEmail(email);
            changes.add("email");
        }
        if (fullName != null) {
            user.setFullName(fullName);
            changes.add("full name");
        }
        if (systemAdmin != null) {
            if (!systemAdmin && isBuiltInAdmin(user.getUsername())) {
                throw new RegistryException(ErrorCode.DENIED, "the built-in admin stays a system administrator");
            }
            user.setSystemAdmin(systemAdmin);
            changes.add("system admin=" + systemAdmin);
        }
        if (!changes.isEmpty()) {
            events.publishEvent(new UserUpdated(Actor.current(), user.getUsername(), String.join(", ", changes)));
        }
        return toUser(user);
    }

    @Transactional
    public void delete(long id) {
        UserEntity user = users.findById(id).orElseThrow(() -> unknown(Long.toString(id)));
        if (isBuiltInAdmin(user.getUsername())) {
            throw new RegistryException(ErrorCode.DENIED, "the built-in admin cannot be deleted");
        }
        users.deleteMemberships(id);
        users.delete(user);
        events.publishEvent(new UserDeleted(Actor.current(), user.getUsername()));
    }

    /**
     * Whether this is the built-in {@code admin}: it stays a system administrator and cannot be
     * deleted ({@link #update}, {@link #delete} refuse), so a console does not offer either.
     */
    public static boolean isBuiltInAdmin(String username) {
        return ADMIN.equals(username);
    }

    static void checkUsername(String username) {
        if (username == null || !USERNAME.matcher(username).matches() || username.startsWith("robot")) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "invalid username '" + username + "': 1 to 64 of a-z 0-9 . _ @ -,"
                    + " starting with a letter or digit, and not starting with 'robot'", Map.of("field", "username"));
        }
    }

    /** Whether bcrypt can hash the password: at most {@link #MAX_PASSWORD_BYTES} bytes in UTF-8. */
    public static boolean fitsHash(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length <= MAX_PASSWORD_BYTES;
    }

    /**
     * Harbor's rule (at least 8 characters with an upper-case letter, a lower-case letter and a
     * digit) and bcrypt's limit of 72 bytes. Longer passwords are refused rather than pre-hashed:
     * the limit is easy to state and a 72-byte password is strong enough; pre-hashing would tie
     * every stored hash to a second algorithm.
     */
    public static void checkPassword(String password, String field) {
        if (password != null && !fitsHash(password)) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "a password has at most " + MAX_PASSWORD_BYTES
                    + " bytes in UTF-8 (bcrypt's limit); this one has " + password.getBytes(StandardCharsets.UTF_8).length,
                    Map.of("field", field));
        }
        if (password == null || password.length() < 8 || password.chars().noneMatch(Character::isUpperCase)
                || password.chars().noneMatch(Character::isLowerCase) || password.chars().noneMatch(Character::isDigit)) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, PASSWORD_RULE, Map.of("field", field));
        }
    }

    private static String generatePassword() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        // base64url never lacks all three classes in practice; the suffix guarantees the rule
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "Aa1";
    }

    static User toUser(UserEntity e) {
        return new User(e.getId(), e.getUsername(), e.getEmail(), e.getFullName(), e.isSystemAdmin(), e.getCreatedAt());
    }

    private static RegistryException unknown(String who) {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, "user " + who + " does not exist");
    }
}
