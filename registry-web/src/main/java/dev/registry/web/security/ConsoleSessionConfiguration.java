package dev.registry.web.security;

import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.session.autoconfigure.SessionTimeout;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.support.GenericConversionService;
import org.springframework.core.serializer.support.DeserializingConverter;
import org.springframework.core.serializer.support.SerializingConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.session.MapSession;
import org.springframework.session.config.annotation.web.http.EnableSpringHttpSession;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The console's sessions in the registry's database ({@code spring_session}, migration V17), so a request may land on
 * any replica: Spring Session's {@link JdbcIndexedSessionRepository} as Spring Session's own JDBC configuration builds
 * it (default table, idle timeout {@code spring.session.timeout}, expired sessions removed every minute), and
 * Spring Boot's JDBC session auto-configuration, which does the same, backs off.
 *
 * <p>Why not Spring Boot's: Spring Session's configuration gives the repository's {@link JdbcTemplate} an exception
 * translator built from Spring JDBC's {@code sql-error-codes.xml}, and parsing that file at every start loaded about
 * 430 classes of the JDK's XML parser and Spring's XML bean definitions that nothing else in the registry uses (they
 * were in the start-up cache and in every replica's memory; docs/benchmarks.md). The template here translates SQL
 * errors by their JDBC exception subclasses and SQL states, Spring JDBC's default since 6.0, which is all the session
 * repository needs (its writes run in a transaction and fail as a whole).
 */
@Configuration(proxyBeanMethods = false)
@EnableSpringHttpSession
class ConsoleSessionConfiguration implements BeanClassLoaderAware {

    private ClassLoader classLoader;

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Bean
    JdbcIndexedSessionRepository sessionRepository(DataSource dataSource, PlatformTransactionManager transactions,
            ObjectProvider<SessionTimeout> timeout) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        JdbcIndexedSessionRepository sessions = new JdbcIndexedSessionRepository(jdbc, new TransactionTemplate(transactions));
        SessionTimeout configured = timeout.getIfAvailable();
        Duration idle = configured != null ? configured.getTimeout() : null;
        sessions.setDefaultMaxInactiveInterval(idle != null ? idle : MapSession.DEFAULT_MAX_INACTIVE_INTERVAL);
        // session attributes (the security context) are serialised Java objects of classes this class loader sees
        GenericConversionService conversion = new GenericConversionService();
        conversion.addConverter(Object.class, byte[].class, new SerializingConverter());
        conversion.addConverter(byte[].class, Object.class, new DeserializingConverter(classLoader));
        sessions.setConversionService(conversion);
        return sessions;
    }
}
