package dev.registry.core.job;

import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.support.KeepAliveLockProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Job locks: a {@link Job} runs only on the replica that holds the job's row in the
 * {@code shedlock} table (ShedLock's JDBC lock provider, an existing engine; no protocol of our
 * own), taken by {@link JobService}. Lock times use the database's clock, so replicas with skewed
 * clocks still agree. Locks are kept alive (ShedLock's {@link KeepAliveLockProvider} extends a
 * held lock every half of its at-most time while its holder lives), so that at-most time can be
 * short: a replica that dies while holding a lock releases it within minutes, not hours.
 */
@Configuration(proxyBeanMethods = false)
public class JobLocks {

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService jobLockKeepAlive() {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("job-lock-keep-alive").factory());
    }

    @Bean
    LockProvider lockProvider(DataSource dataSource, ScheduledExecutorService jobLockKeepAlive) {
        return new KeepAliveLockProvider(new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .build()), jobLockKeepAlive);
    }
}
