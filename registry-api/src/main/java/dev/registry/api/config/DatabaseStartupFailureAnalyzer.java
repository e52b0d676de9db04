package dev.registry.api.config;

import java.sql.SQLException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * A start that fails because the database refuses the registry (issue 11, Correctness 8) ends in one
 * line naming the setting to change, instead of a stack trace ending in
 * {@code role "registry" does not exist}: which URL and user were tried, what the server said, and
 * whether {@code spring.datasource.username}, {@code .password} or {@code .url} is wrong (by the
 * SQLSTATE: {@code 28000}/{@code 28P01} sign-in, {@code 3D000} no such database, {@code 08} cannot
 * connect). Other SQL failures at start (a failing migration) are left to Spring Boot's report.
 */
public class DatabaseStartupFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

    private final Environment environment;

    public DatabaseStartupFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
        String state = cause.getSQLState() == null ? "" : cause.getSQLState();
        String setting;
        String hint;
        if (state.equals("28P01")) {
            setting = "spring.datasource.password";
            hint = "set the password of the database user";
        } else if (state.startsWith("28")) {
            setting = "spring.datasource.username";
            hint = "set a user the database knows (the postgres profile's default is registry: createuser registry), or create it";
        } else if (state.equals("3D000")) {
            setting = "spring.datasource.url";
            hint = "name a database that exists in the URL, or create it (createdb -O <user> registry)";
        } else if (state.startsWith("08")) {
            setting = "spring.datasource.url";
            hint = "check the host and port in the URL and that the database server is running";
        } else {
            return null;
        }
        String url = environment.getProperty("spring.datasource.url", "(none)");
        String user = environment.getProperty("spring.datasource.username", "(none)");
        String env = setting.toUpperCase().replace('.', '_');
        String description = "Cannot use the database " + url + " as user " + user + ": " + firstLine(cause.getMessage())
                + "; change " + setting + " (" + env + ").";
        return new FailureAnalysis(description, "To fix it, " + hint + ".", cause);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
