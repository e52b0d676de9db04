package dev.registry.core.job;

import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Periodic jobs run once across replicas: a method annotated {@code @SchedulerLock(name = …)}
 * runs only on the replica that holds the job's row in the {@code shedlock} table (ShedLock, an
 * existing engine; no protocol of our own). Lock times use the database's clock, so replicas with
 * skewed clocks still agree. A replica that dies while holding a lock releases it when
 * {@code lockAtMostFor} runs out.
 */
@Configuration(proxyBeanMethods = false)
@EnableSchedulerLock(defaultLockAtMostFor = "30m")
public class JobLocks {

    @Bean
    LockProvider lockProvider(DataSource dataSource) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .build());
    }
}
