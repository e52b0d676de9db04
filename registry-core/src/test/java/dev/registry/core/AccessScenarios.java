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

    @Test
    void failed_logins_from_one_address_are_throttled_for_every_username_but_not_for_other_addresses() {
        // given an address that failed 30 times, each time with another username
        String address = "198.51.100." + ThreadLocalRandom.current().nextInt(1, 250);
        for (int i = 0; i < 30; i++) {
            String username = unique("nobody");
            assertThatThrownBy(() -> credentials.authenticate(username, "Wrong-Passw0rd", address))
                    .hasMessage("incorrect username or password");
        }
        String user = unique("throttle");
        users.create(user, "Right-Passw0rd", null, null, false);

        // then the next attempt from it is refused with 429 even with the right password; another address is not
        assertThatThrownBy(() -> credentials.authenticate(user, "Right-Passw0rd", address))
                .isInstanceOf(ThrottledException.class).hasMessageContaining("too many failed logins from " + address);
        assertThat(credentials.authenticate(user, "Right-Passw0rd", "203.0.113.9")).isInstanceOf(Principal.User.class);
    }

    @Test
    void a_window_that_has_passed_forgets_its_failures() {
        String user = unique("window");
        users.create(user, "Right-Passw0rd", null, null, false);
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> credentials.authenticate(user, "Wrong-Passw0rd", null)).isInstanceOf(RegistryException.class);
        }
        assertThatThrownBy(() -> credentials.authenticate(user, "Right-Passw0rd", null)).isInstanceOf(ThrottledException.class);

        // when the window began longer ago than the configured 15 minutes
        jdbc.update("UPDATE login_failure SET window_start = ? WHERE failure_key = ?", OffsetDateTime.now().minusMinutes(16),
                "user:" + user);

        // then the right password works again
        assertThat(credentials.authenticate(user, "Right-Passw0rd", null).name()).isEqualTo(user);
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
}
