package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.access.AccessService;
import dev.registry.core.access.Action;
import dev.registry.core.access.CredentialService;
import dev.registry.core.access.Principal;
import dev.registry.core.access.ProjectAccess;
import dev.registry.core.access.ProjectCreator;
import dev.registry.core.access.RobotService;
import dev.registry.core.access.UserService;
import dev.registry.core.project.Role;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The access feature against a real database: login throttling counted in the database (so it
 * holds across replicas), the access decision's queries, and robot lifecycles.
 */
abstract class AccessScenarios extends DatabaseScenarios {

    @Autowired
    CredentialService credentials;
    @Autowired
    UserService users;
    @Autowired
    RobotService robots;
    @Autowired
    AccessService access;
    @Autowired
    ProjectCreator creator;

    private Principal.User admin() {
        users.ensureAdmin("Admin-Passw0rd");
        return new Principal.User(users.find(UserService.ADMIN).orElseThrow().id(), UserService.ADMIN, true);
    }

    private static String unique(String prefix) {
        return prefix + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    private static String address() {
        return "198.51.100." + ThreadLocalRandom.current().nextInt(1, 250) + "." + ThreadLocalRandom.current().nextInt(1000);
    }

    private void failTimes(String username, int times, String address) {
        for (int i = 0; i < times; i++) {
            assertThatThrownBy(() -> credentials.authenticate(username, "Wrong-Passw0rd", address))
                    .isNotInstanceOf(ThrottledException.class).hasMessage("incorrect username or password");
        }
    }

    /** Moves the last failure of the name from the address {@code seconds} back, as if that time had passed. */
    private void age(String username, String address, int seconds) {
        jdbc.update("UPDATE login_failure SET last_failure_at = ? WHERE username = ? AND client_address = ?",
                OffsetDateTime.now().minusSeconds(seconds), username, address);
    }

    // issue 11, security 1: throttle the guesser, not the account
    @Test
    void a_guesser_must_wait_while_the_right_password_from_another_address_gets_in_at_once() {
        String user = unique("guessed");
        users.create(user, "Right-Passw0rd", null, null, false);
        String guesser = address();

        // when an address fails 5 times (free) and once more
        failTimes(user, 6, guesser);

        // then that name from that address waits (even with the right password), and the owner from elsewhere does not
        assertThatThrownBy(() -> credentials.authenticate(user, "Right-Passw0rd", guesser))
                .isInstanceOfSatisfying(ThrottledException.class, e -> assertThat(e.retryAfter()).isBetween(
                        java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2)))
                .hasMessageContaining("too many failed logins for " + user + " from " + guesser);
        assertThat(credentials.authenticate(user, "Right-Passw0rd", address()).name()).isEqualTo(user);
    }

    @Test
    void each_further_failure_doubles_the_wait_up_to_the_cap_and_a_success_forgets_the_count() {
        String user = unique("doubling");
        users.create(user, "Right-Passw0rd", null, null, false);
        String from = address();
        failTimes(user, 6, from);
        java.util.List<Long> waits = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waits.add(waitSeconds(user, from));
            age(user, from, 400); // the longest wait is over; the count is kept (forgotten after an hour)
            failTimes(user, 1, from);
        }

        // then (Retry-After is whole seconds, rounded up, counted from the check) 2 s, doubling, at most 5 min
        long[] expected = {2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
        for (int i = 0; i < expected.length; i++) {
            assertThat(waits.get(i)).as("wait after failure %d", 6 + i).isBetween(expected[i] - 1, expected[i]);
        }

        // when the right password comes once the wait is over, the count starts again from zero
        age(user, from, 400);
        assertThat(credentials.authenticate(user, "Right-Passw0rd", from).name()).isEqualTo(user);
        failTimes(user, 5, from);
        assertThat(credentials.authenticate(user, "Right-Passw0rd", from).name()).isEqualTo(user);
    }

    private long waitSeconds(String user, String from) {
        try {
            credentials.authenticate(user, "Wrong-Passw0rd", from);
        } catch (ThrottledException e) {
            return e.retryAfter().toSeconds();
        }
        throw new AssertionError("not throttled");
    }

    @Test
    void a_wait_does_not_depend_on_whether_this_process_remembers_the_password() {
        // given a user whose right password this process has verified (and remembers)
        String user = unique("cached");
        users.create(user, "Right-Passw0rd", null, null, false);
        String from = address();
        credentials.authenticate(user, "Right-Passw0rd", from);

        // when a guesser from the same address fails until a wait begins
        failTimes(user, 6, from);

        // then the remembered password waits like any other (as after a restart, when nothing is remembered)
        assertThatThrownBy(() -> credentials.authenticate(user, "Right-Passw0rd", from)).isInstanceOf(ThrottledException.class);
    }

    @Test
    void an_address_guessing_many_names_waits_for_every_name_but_other_addresses_do_not() {
        String address = address();
        for (int i = 0; i < 31; i++) {
            String username = unique("nobody");
            assertThatThrownBy(() -> credentials.authenticate(username, "Wrong-Passw0rd", address))
                    .hasMessage("incorrect username or password");
        }
        String user = unique("spray");
        users.create(user, "Right-Passw0rd", null, null, false);

        assertThatThrownBy(() -> credentials.authenticate(user, "Right-Passw0rd", address))
                .isInstanceOf(ThrottledException.class).hasMessageContaining("too many failed logins from " + address);
        assertThat(credentials.authenticate(user, "Right-Passw0rd", address()).name()).isEqualTo(user);
    }

    @Test
    void robots_are_never_made_to_wait() {
        Principal.User admin = admin();
        String project = unique("robots");
        creator.create(admin, project, false, null);
        var robot = robots.create(new RobotService.Spec("kubelet", null, project, Map.of(project, EnumSet.of(Action.PULL)),
                false, -1), "admin");
        String node = address();
        for (int i = 0; i < 40; i++) {
            assertThatThrownBy(() -> credentials.authenticate(robot.robot().name(), "stale-secret", node))
                    .isNotInstanceOf(ThrottledException.class).isInstanceOf(RegistryException.class);
        }

        assertThat(credentials.authenticate(robot.robot().name(), robot.secret(), node).name()).isEqualTo(robot.robot().name());
    }

    @Test
    void a_system_admin_forgets_a_users_failures_and_the_wait_ends_at_once() {
        var user = users.create(unique("unlocked"), "Right-Passw0rd", null, null, false);
        String from = address();
        failTimes(user.username(), 6, from);

        int forgotten = users.clearLoginFailures(user.id());

        assertThat(forgotten).isEqualTo(1);
        assertThat(credentials.authenticate(user.username(), "Right-Passw0rd", from).name()).isEqualTo(user.username());
    }

    // issue 11, security 5: bcrypt reads 72 bytes; 30 x EURO SIGN is 90
    @Test
    void a_password_over_72_bytes_is_refused_naming_the_limit_and_as_a_login_it_is_just_wrong() {
        String tooLong = "\u20ac".repeat(28) + "Aa1";
        String user = unique("long");
        users.create(user, "Right-Passw0rd", null, null, false);

        assertThatThrownBy(() -> users.create(unique("long"), tooLong, null, null, false))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("at most 72 bytes").hasMessageContaining("this one has 87");
        assertThatThrownBy(() -> credentials.authenticate(user, tooLong, address()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED))
                .hasMessage("incorrect username or password");
    }

    // issue 11, correctness 6: the recovery run from the machine
    @Test
    void the_admin_password_reset_sets_the_password_and_forgets_the_admins_failures() {
        admin();
        String from = address();
        failTimes(UserService.ADMIN, 6, from);

        Optional<String> generated = users.resetAdminPassword(null);
        assertThat(credentials.authenticate(UserService.ADMIN, generated.orElseThrow(), from).name()).isEqualTo("admin");
        Optional<String> configured = users.resetAdminPassword("Admin-Passw0rd");

        assertThat(configured).isEmpty();
        assertThat(credentials.authenticate(UserService.ADMIN, "Admin-Passw0rd", from).name()).isEqualTo("admin");
        assertThatThrownBy(() -> users.resetAdminPassword("admin")).hasMessageContaining("REGISTRY_ADMIN_PASSWORD")
                .isInstanceOf(RegistryException.class);
    }

    @Test
    void a_members_access_follows_its_role_and_a_public_project_lets_anyone_pull() {
        Principal.User admin = admin();
        String project = unique("decide");
        long projectId = creator.create(admin, project, false, null).id();
        var developer = users.create(unique("dev"), "Right-Passw0rd", null, null, false);
        projects.setMember(projectId, developer.id(), Role.DEVELOPER);
        Principal.User asDeveloper = new Principal.User(developer.id(), developer.username(), false);

        ProjectAccess before = access.access(Principal.Anonymous.INSTANCE, project);
        projects.update(project, true, null, false);
        ProjectAccess after = access.access(Principal.Anonymous.INSTANCE, project);

        assertThat(access.access(asDeveloper, project).actions()).contains(Action.PULL, Action.PUSH).doesNotContain(Action.DELETE_ARTIFACT);
        assertThat(before.actions()).isEmpty();
        assertThat(after.actions()).containsExactlyInAnyOrder(Action.PULL, Action.LIST_REPOSITORIES);
        assertThat(access.access(asDeveloper, unique("missing")).exists()).isFalse();
    }

    // issue 12, docker search: the project list's name filter, which the management search shares, on each database
    @Test
    void the_project_name_filter_is_a_literal_case_insensitive_substring_among_the_visible_projects() {
        Principal.User admin = admin();
        String stem = unique("lit");
        long dash = creator.create(admin, stem + "-dash", false, null).id();
        creator.create(admin, stem + "_under", true, null);

        assertThat(projects.list(stem + "_", null, 0, 10)).extracting(p -> p.name()).containsExactly(stem + "_under");
        assertThat(projects.count(stem + "_", null)).isEqualTo(1);
        assertThat(projects.list(stem + "%", null, 0, 10)).isEmpty();
        assertThat(projects.list(stem.toUpperCase(), null, 0, 10)).extracting(p -> p.name())
                .containsExactly(stem + "-dash", stem + "_under");
        assertThat(projects.list(stem, java.util.List.of(dash), 0, 10)).extracting(p -> p.name()).containsExactly(stem + "-dash");
        assertThat(projects.count(stem, java.util.List.of(dash))).isEqualTo(1);
        assertThat(projects.list(stem, java.util.List.of(), 0, 10)).isEmpty();
        assertThat(projects.count(stem, java.util.List.of())).isZero();
    }

    @Test
    void the_last_project_admin_can_be_neither_removed_nor_demoted_and_members_page_in_the_database() {
        Principal.User admin = admin();
        long projectId = creator.create(admin, unique("kept"), false, null).id();
        var second = users.create(unique("second_m"), "Right-Passw0rd", null, null, false);
        // the rule the refusals below apply, as pages ask it (to offer neither to the last project admin)
        assertThat(projects.isLastAdmin(projects.requireMember(projectId, UserService.ADMIN))).isTrue();

        assertThatThrownBy(() -> projects.removeMember(projectId, UserService.ADMIN)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("admin is the last project admin").extracting(e -> ((RegistryException) e).code())
                .isEqualTo(ErrorCode.CONFLICT);
        assertThatThrownBy(() -> projects.changeRole(projectId, UserService.ADMIN, Role.GUEST)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("last project admin");
        assertThatThrownBy(() -> projects.addMember(projectId, "nobody-" + second.username(), Role.GUEST))
                .hasMessageContaining("there is no user");
        projects.addMember(projectId, second.username(), Role.PROJECT_ADMIN);
        assertThat(projects.isLastAdmin(projects.requireMember(projectId, UserService.ADMIN))).isFalse();
        assertThat(projects.isLastAdmin(projects.requireMember(projectId, second.username()))).isFalse();
        projects.changeRole(projectId, UserService.ADMIN, Role.GUEST);
        assertThat(projects.isLastAdmin(projects.requireMember(projectId, second.username()))).isTrue();
        assertThat(projects.isLastAdmin(projects.requireMember(projectId, UserService.ADMIN))).as("a guest is no admin").isFalse();

        assertThat(projects.requireMember(projectId, UserService.ADMIN).role()).isEqualTo(Role.GUEST);
        assertThat(projects.countMembers(projectId, "")).isEqualTo(2);
        assertThat(projects.members(projectId, "second", 0, 10)).extracting(m -> m.principalName()).containsExactly(second.username());
        assertThat(projects.members(projectId, "", 1, 10)).hasSize(1);
        // the searched text is literal, as in every other search: no wildcards (Like)
        assertThat(projects.countMembers(projectId, "%")).isZero();
        assertThat(projects.members(projectId, "s_cond", 0, 10)).isEmpty();
        assertThat(projects.members(projectId, "d_m", 0, 10)).extracting(m -> m.principalName()).containsExactly(second.username());
        assertThat(users.count("sec%")).isZero();
        assertThat(users.list(second.username().substring(1), 0, 10)).extracting(u -> u.username()).containsExactly(second.username());
        assertThatThrownBy(() -> projects.removeMember(projectId, second.username())).hasMessageContaining("last project admin");
        projects.removeMember(projectId, UserService.ADMIN);
        assertThat(projects.members(projectId)).extracting(m -> m.principalName()).containsExactly(second.username());
    }

    @Test
    void a_robot_acts_only_in_listed_projects_and_a_project_robot_never_outside_its_project() {
        Principal.User admin = admin();
        String mine = unique("mine");
        String theirs = unique("theirs");
        creator.create(admin, mine, false, null);
        creator.create(admin, theirs, false, null);
        var robot = robots.create(new RobotService.Spec("deployer", null, mine, Map.of(mine, EnumSet.of(Action.PULL, Action.PUSH)),
                false, 7), "admin");
        // a row naming the other project is ignored for a project robot
        robots.grant(robot.robot().id(), theirs, EnumSet.of(Action.PULL));
        Principal principal = credentials.authenticate(robot.robot().name(), robot.secret(), null);

        assertThat(robot.robot().name()).isEqualTo("robot." + mine + ".deployer");
        assertThat(robot.robot().expiresSoon()).isTrue();
        assertThat(access.access(principal, mine).actions()).containsExactlyInAnyOrder(Action.PULL, Action.PUSH);
        assertThat(access.access(principal, theirs).actions()).isEmpty();
        assertThatThrownBy(() -> credentials.authenticate(robot.robot().name(), "not-the-secret", null))
                .isInstanceOf(RegistryException.class);
    }

    @Test
    void the_first_start_generates_an_admin_password_once_and_it_signs_in() {
        // given a registry without its admin (as on first start)
        jdbc.update("DELETE FROM project_member WHERE principal_id = (SELECT id FROM user_account WHERE username = 'admin')");
        jdbc.update("DELETE FROM user_account WHERE username = 'admin'");

        // when the start-up creates it without a configured password, and a later start runs again
        String generated = users.ensureAdmin(null).orElseThrow();
        boolean again = users.ensureAdmin(null).isPresent();

        // then the generated password signs in as a system admin, and it is shown only once
        assertThat(credentials.authenticate("admin", generated, null)).isEqualTo(
                new Principal.User(users.find("admin").orElseThrow().id(), "admin", true));
        assertThat(generated).hasSizeGreaterThanOrEqualTo(20);
        assertThat(again).isFalse();
        jdbc.update("DELETE FROM user_account WHERE username = 'admin'");
    }

    @Test
    void a_robot_allowed_to_create_projects_administers_the_projects_it_creates() {
        var robot = robots.create(new RobotService.Spec(unique("creator"), null, null, Map.of(), true, -1), "admin");
        Principal principal = credentials.authenticate(robot.robot().name(), robot.secret(), null);
        String project = unique("made-by-robot");

        creator.create(principal, project, false, null);

        assertThat(access.mayCreateProject(principal)).isTrue();
        assertThat(access.access(principal, project).actions())
                .containsExactlyInAnyOrderElementsOf(dev.registry.core.access.PermissionMatrix.ROBOT_GRANTABLE);
        assertThat(projects.find(project).orElseThrow().createdBy()).isEqualTo(robot.robot().name());
    }

    /**
     * A token's principal is read again on every request (Docker token auth spec: the registry decides what a token
     * may do; here also whether its principal may still act): a disabled, expired or deleted robot, or one whose
     * secret was rotated after the token was issued, is refused; so is a user whose password changed.
     */
    @Test
    void a_tokens_principal_may_act_only_while_it_exists_is_enabled_unexpired_and_unchanged_since_issue() {
        Principal.User admin = admin();
        String project = unique("tokens");
        creator.create(admin, project, false, null);
        var made = robots.create(new RobotService.Spec(unique("puller"), null, project, Map.of(project, EnumSet.of(Action.PULL)),
                false, 30), "admin");
        long id = made.robot().id();
        java.time.Instant issued = java.time.Instant.now().plusSeconds(1);

        Principal principal = credentials.current("robot", id, issued);
        assertThat(principal).isEqualTo(credentials.authenticate(made.robot().name(), made.secret(), null));
        assertThat(credentials.current("user", admin.id(), issued)).isEqualTo(admin);

        robots.update(id, true, null, null);
        assertThatThrownBy(() -> credentials.current("robot", id, issued)).hasMessageContaining("is disabled");
        robots.update(id, false, null, null);
        jdbc.update("UPDATE robot SET expires_at = ? WHERE id = ?", OffsetDateTime.now().minusMinutes(1), id);
        assertThatThrownBy(() -> credentials.current("robot", id, issued)).hasMessageContaining("expired at");
        jdbc.update("UPDATE robot SET expires_at = NULL WHERE id = ?", id);
        assertThat(credentials.current("robot", id, issued)).isEqualTo(principal);

        robots.rotate(id);
        assertThatThrownBy(() -> credentials.current("robot", id, issued.minusSeconds(60)))
                .hasMessageContaining("changed after this token was issued");
        robots.delete(id);
        assertThatThrownBy(() -> credentials.current("robot", id, issued)).hasMessageContaining("no longer exists");
        assertThatThrownBy(() -> credentials.current("user", Long.MAX_VALUE, issued)).hasMessageContaining("no longer exists");
        assertThatThrownBy(() -> credentials.current("group", 1, issued)).hasMessageContaining("no known kind");
    }
}
