package dev.registry.core.audit.internal;

import dev.registry.core.DomainEvent;
import dev.registry.core.artifact.ArtifactPulled;
import dev.registry.core.audit.AuditService;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Feeds the audit log from the features' events: only once the change committed (a rolled-back
 * push leaves no entry), on the publishing thread but with nothing more than a buffer append, and
 * never throwing, so auditing neither slows nor breaks the change. Events published outside a
 * transaction (pulls) are taken at once ({@code fallbackExecution}).
 */
@Component
class AuditListener {

    private static final Logger log = LoggerFactory.getLogger(AuditListener.class);
    private final AuditService audit;

    AuditListener(AuditService audit) {
        this.audit = audit;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(DomainEvent event) {
        try {
            Instant now = Instant.now();
            if (event instanceof ArtifactPulled pulled) {
                audit.recordPull(pulled.actor(), pulled.repository().project(), pulled.repository().value(), now);
                return;
            }
            AuditEntries.of(event, now).ifPresent(audit::record);
        } catch (RuntimeException e) {
            log.warn("could not audit {}", event, e);
        }
    }
}
