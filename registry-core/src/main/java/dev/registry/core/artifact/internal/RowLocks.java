package dev.registry.core.artifact.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * The row-lock clause for "nobody may delete these rows until I commit": {@code FOR SHARE} on
 * PostgreSQL (readers do not block each other); H2 has no shared row locks, so there it is
 * {@code FOR UPDATE} (concurrent pushes of one blob then queue for a few milliseconds).
 */
@Component
public class RowLocks {

    private final String share;

    public RowLocks(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            this.share = "H2".equalsIgnoreCase(product) ? " FOR UPDATE" : " FOR SHARE";
        }
    }

    /** {@code " FOR SHARE"} or {@code " FOR UPDATE"}, to append to a SELECT. */
    public String share() {
        return share;
    }
}
