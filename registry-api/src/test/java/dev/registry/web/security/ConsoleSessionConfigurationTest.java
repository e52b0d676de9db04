package dev.registry.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.session.autoconfigure.SessionTimeout;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;

/**
 * The console's session repository ({@link ConsoleSessionConfiguration}) keeps Spring Boot's setting of the idle time:
 * {@code spring.session.timeout} (Spring Boot's {@link SessionTimeout}) when it is set, Spring Session's 30 minutes
 * when nothing is. The sign-in, the cookie and the rows in {@code spring_session} are ConsoleSecurityTest's.
 */
class ConsoleSessionConfigurationTest {

    private final DriverManagerDataSource database = new DriverManagerDataSource("jdbc:h2:mem:console-sessions", "sa", "");

    @Test
    void sessionsIdleForTheConfiguredTimeout() {
        assertThat(idleTime(repository(Duration.ofMinutes(7)))).isEqualTo(Duration.ofMinutes(7));
    }

    @Test
    void withoutATimeoutSessionsIdleForThirtyMinutes() {
        assertThat(idleTime(repository(null))).isEqualTo(Duration.ofMinutes(30));
    }

    private static Duration idleTime(SessionRepository<? extends Session> sessions) {
        return sessions.createSession().getMaxInactiveInterval();
    }

    private JdbcIndexedSessionRepository repository(Duration timeout) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("sessionTimeout", (SessionTimeout) () -> timeout);
        ConsoleSessionConfiguration configuration = new ConsoleSessionConfiguration();
        configuration.setBeanClassLoader(getClass().getClassLoader());
        return configuration.sessionRepository(database, new DataSourceTransactionManager(database),
                beans.getBeanProvider(SessionTimeout.class));
    }
}
