package dev.registry.api.health;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * The one definition of "the database cannot serve now" (issue 11, Faults 1): a failure that is
 * answered 503 {@code UNAVAILABLE} with {@code Retry-After} rather than 500, wherever it is raised
 * (a filter, a controller, the token endpoint). Looks through the cause chain, because the same
 * outage surfaces as Spring's {@link DataAccessResourceFailureException} (and its
 * {@code CannotGetJdbcConnectionException}), as {@link CannotCreateTransactionException} when a
 * transaction cannot begin, as Hikari's {@link SQLTransientConnectionException} when the pool times
 * out, or as a driver exception with an SQLSTATE of class {@code 08} (connection exception) or
 * {@code 57P} (the server is shutting down or restarting).
 */
public final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    public static boolean isCause(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
                    || t instanceof CannotCreateTransactionException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
