package dev.registry.core.system;

import dev.registry.storage.BlobStore;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Service;

/**
 * What this registry runs as: its version (from the build), where blob bytes live and which
 * database holds the rest. Read by {@code GET /api/v1/systeminfo} and the console's system page,
 * so both say the same.
 */
@Service
public class SystemInfoService {

    /** The database as its JDBC driver names it, e.g. {@code PostgreSQL 16.4} or {@code H2 2.3.232 (…)}. */
    public record Database(String kind, String version) {
    }

    private final String version;
    private final String storageKind;
    private final DataSource dataSource;
    private volatile Database database;

    public SystemInfoService(ObjectProvider<BuildProperties> build, BlobStore store, DataSource dataSource) {
        BuildProperties properties = build.getIfAvailable();
        this.version = properties != null ? properties.getVersion() : "development";
        this.storageKind = store.kind();
        this.dataSource = dataSource;
    }

    /** The build's version, or {@code development} when run without a build (from an IDE). */
    public String version() {
        return version;
    }

    /** Where blob bytes live: {@code filesystem} or {@code s3}. */
    public String storageKind() {
        return storageKind;
    }

    /** The database, asked of the driver once (it does not change while the application runs). */
    public Database database() {
        Database known = database;
        if (known == null) {
            try (Connection connection = dataSource.getConnection()) {
                DatabaseMetaData meta = connection.getMetaData();
                known = new Database(meta.getDatabaseProductName(), meta.getDatabaseProductVersion());
            } catch (SQLException e) {
                return new Database("unknown (" + e.getMessage() + ")", "");
            }
            database = known;
        }
        return known;
    }
}
