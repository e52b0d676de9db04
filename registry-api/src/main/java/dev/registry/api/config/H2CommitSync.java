package dev.registry.api.config;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.session.jdbc.config.annotation.web.http.JdbcHttpSessionConfiguration;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes a committed write durable on the embedded H2 file database (issue 11, Faults 2), the way
 * PostgreSQL's default {@code synchronous_commit=on} does: H2's MVStore writes a commit to its file
 * at once with {@code WRITE_DELAY=0} (set in the default URL; it survives a crash of the process)
 * but never forces the file to the disk on commit, so a power loss could still lose a push the
 * client was told is stored. After every read-write transaction this runs H2's
 * {@code CHECKPOINT SYNC} (write what is pending, then fsync the database file) before the caller
 * answers. Spring Boot registers this listener with the transaction manager.
 *
 * <p>Console sessions are the exception ({@link #sessionTransactions}): Spring Session saves a session's last access
 * after every console request, and losing that to a power loss costs at most a new sign-in, so its transactions are
 * not forced to disk (one fsync per page view made page times wait on the disk).
 *
 * <p>Does nothing on PostgreSQL or an in-memory H2 database. {@code CHECKPOINT SYNC} needs an H2
 * admin user (the default {@code sa} is one); with another user it warns once and stops.
 */
@Component
class H2CommitSync implements TransactionExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(H2CommitSync.class);

    /** The name of Spring Session's transactions (see {@link #sessionTransactions}). */
    static final String SESSIONS = "console-sessions";

    /**
     * Names the transactions Spring Session JDBC runs its statements in, so that {@link #afterCommit} knows them: its
     * configuration is given a template of that name before it builds the session repository. (A bean of type
     * {@code TransactionOperations} would do it too, but would also replace Spring Boot's shared template.)
     */
    @Bean
    static BeanPostProcessor sessionTransactions(ObjectProvider<PlatformTransactionManager> transactions) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof JdbcHttpSessionConfiguration sessions) {
                    TransactionTemplate template = new TransactionTemplate(transactions.getObject());
                    template.setName(SESSIONS);
                    sessions.setTransactionOperations(template);
                }
                return bean;
            }
        };
    }

    private final DataSource dataSource;
    private volatile boolean enabled;

    H2CommitSync(DataSource dataSource, @Value("${spring.datasource.url:}") String url) {
        this.dataSource = dataSource;
        this.enabled = url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:");
    }

    @Override
    public void afterCommit(TransactionExecution transaction, Throwable failure) {
        if (!enabled || failure != null || transaction.isReadOnly() || !transaction.isNewTransaction()
                || SESSIONS.equals(transaction.getTransactionName())) {
            return;
        }
        // the transaction's own connection, still bound to this thread until its clean-up: a second
        // connection per commit could exhaust the pool when every connection is in a commit
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            if (e.getErrorCode() == 90040) { // ADMIN_RIGHTS_REQUIRED
                enabled = false;
                log.warn("the H2 user is not an admin, so commits are not forced to disk (a power loss may lose the last"
                        + " pushes): use PostgreSQL, or an H2 admin user such as the default sa");
                return;
            }
            throw new org.springframework.dao.DataAccessResourceFailureException("cannot force the H2 database to disk", e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }
}
