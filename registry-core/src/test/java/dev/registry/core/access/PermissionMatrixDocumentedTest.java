package dev.registry.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.core.project.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/permissions.md shows exactly the table {@link PermissionMatrix} holds. */
class PermissionMatrixDocumentedTest {

    private static final List<Role> COLUMNS = List.of(Role.LIMITED_GUEST, Role.GUEST, Role.DEVELOPER, Role.MAINTAINER,
            Role.PROJECT_ADMIN);

    @Test
    void theDocumentedTableIsTheMatrixInCode() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "permissions.md"));
        String documented = doc.substring(doc.indexOf("<!-- matrix -->\n") + "<!-- matrix -->\n".length(),
                doc.indexOf("<!-- /matrix -->"));

        StringBuilder expected = new StringBuilder("| action | limited guest | guest | developer | maintainer | project admin |\n"
                + "|---|---|---|---|---|---|\n");
        for (Action action : Action.values()) {
            expected.append("| ").append(action.wireName()).append(" |");
            for (Role role : COLUMNS) {
                expected.append(PermissionMatrix.of(role).contains(action) ? " ✓ |" : " |");
            }
            expected.append('\n');
        }

        assertThat(documented).as("docs/permissions.md must show PermissionMatrix; replace its table with:\n" + expected)
                .isEqualTo(expected.toString());
    }

    @Test
    void rolesAreNestedAndRobotsCannotBeGivenPeopleOrRobotManagement() {
        for (int i = 1; i < COLUMNS.size(); i++) {
            assertThat(PermissionMatrix.of(COLUMNS.get(i))).containsAll(PermissionMatrix.of(COLUMNS.get(i - 1)));
        }
        assertThat(PermissionMatrix.ROBOT_GRANTABLE).doesNotContain(Action.MANAGE_MEMBERS, Action.MANAGE_ROBOTS,
                Action.READ_ROBOTS, Action.UPDATE_PROJECT, Action.DELETE_PROJECT);
    }
}
