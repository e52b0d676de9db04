package dev.registry.core.job;

import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Job locks: a {@link Job} runs only on the replica that holds the job's row in the
 * {@code shedlock} table (ShedLock's JDBC lock provider, an existing engine; no protocol of our
 * own), taken by {@link JobService}. Lock times use the database's clock, so replicas with skewed
 * clocks still agree. A replica that dies while holding a lock releases it when the lock's
 * at-most time runs out.
 */
@Configuration(proxyBeanMethods = false)
public class JobLocks {

    @Bean
    LockProvider lockProvider(DataSource dataSource) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .build());
    }
}
