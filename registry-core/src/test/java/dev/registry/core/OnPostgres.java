package dev.registry.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.ContextConfiguration;

/**
 * Runs a scenario class on a real PostgreSQL ({@link PostgresForTests}: a container, else the local
 * server, else the class is skipped with the reason), in a schema of this run's own. Every class
 * with this annotation shares one Spring context and so one schema: tests use their own repository
 * names.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PostgresForTests.class)
@ContextConfiguration(initializers = PostgresForTests.class)
public @interface OnPostgres {
}
