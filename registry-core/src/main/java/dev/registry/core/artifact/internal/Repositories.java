package dev.registry.core.artifact.internal;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.RepositoryName;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Repository ids by name; repositories come into being on first push. Call inside a transaction. */
@Component
public class Repositories {

    private final RepositoryEntityRepository repositories;

    public Repositories(RepositoryEntityRepository repositories) {
        this.repositories = repositories;
    }

    public Optional<Long> find(RepositoryName name) {
        return repositories.findIdByName(name.value());
    }

    public long require(RepositoryName name) {
        return find(name).orElseThrow(() ->
                new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + name + " is not known to this registry"));
    }

    /**
     * The repository's id, creating it on first push. Its project must exist ({@code NAME_UNKNOWN}
     * otherwise): whether a push may create a project is the access layer's decision, made before.
     */
    public long ensure(RepositoryName name) {
        return find(name).orElseGet(() -> {
            long projectId = repositories.findProjectId(name.project()).orElseThrow(() -> new RegistryException(
                    ErrorCode.NAME_UNKNOWN, "project " + name.project() + " does not exist"));
            repositories.insertIfAbsent(name.value(), projectId, Instant.now());
            return repositories.findIdByName(name.value()).orElseThrow();
        });
    }
}
