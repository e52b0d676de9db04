package dev.registry.api;

import dev.registry.api.aot.AotMode;
import dev.registry.api.security.AdminPasswordReset;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The registry: OCI distribution API over registry-core and registry-storage. */
@SpringBootApplication(scanBasePackages = "dev.registry")
@EntityScan(basePackages = "dev.registry.core")
@ConfigurationPropertiesScan
@EnableScheduling
public class RegistryApplication {

    public static void main(String[] args) {
        if (AdminPasswordReset.requested(args)) {
            // recovery of a lost admin password: no web server, reset, exit (README, "Lost admin password")
            System.exit(AdminPasswordReset.run(RegistryApplication.class, args, System.out));
        }
        application().run(args);
    }

    /**
     * The registry as {@link #main} runs it: from the bean definitions generated at build time when this start can
     * ({@link AotMode}).
     */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(RegistryApplication.class);
        // the generated definitions are looked up by the main class's name (the training run's main is another class)
        application.setMainApplicationClass(RegistryApplication.class);
        application.addListeners(new AotMode());
        return application;
    }
}
