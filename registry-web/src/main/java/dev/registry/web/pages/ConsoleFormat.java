package dev.registry.web.pages;

import dev.registry.core.access.PullSecrets;
import dev.registry.core.quota.ByteSizes;
import dev.registry.web.security.ConsoleCaller;
import dev.registry.web.security.ConsoleUser;
import dev.registry.web.security.SessionEndedException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** What the templates print: sizes, times, the registry's host for commands, who is signed in ({@code @consoleFormat}). */
@Component("consoleFormat")
public class ConsoleFormat {

    /** Joins what a line must not split: a size's number and unit, a time and its zone. */
    private static final char NO_BREAK = '\u00a0';
    /** A break may fall between the date and the time, never between the time and its zone. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'" + NO_BREAK + "UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final URI publicUrl;
    private final ConsoleCaller caller;

    ConsoleFormat(@Value("${registry.public-url:#{null}}") URI publicUrl, ConsoleCaller caller) {
        this.publicUrl = publicUrl;
        this.caller = caller;
    }

    /**
     * A byte count as the rest of the registry writes it ({@link ByteSizes}: a GC run's summary, a
     * quota refusal), number and unit held together on one line ({@code 125.1 KiB}, never
     * {@code 125.1} above {@code KiB}).
     */
    public String bytes(Long bytes) {
        return bytes == null ? "—" : ByteSizes.format(bytes).replace(' ', NO_BREAK);
    }

    public String instant(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    /** How clients name this registry: {@code registry.public-url}'s host (and port), else the request's {@code Host}. */
    public String host() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return PullSecrets.registryHost(publicUrl, request.getHeader("Host"), request.getServerName(), request.getServerPort());
        }
        return PullSecrets.registryHost(publicUrl, null, "localhost", 5000);
    }

    /** Whether the signed-in user is a system admin now (for the navigation; every admin page checks again). */
    public boolean systemAdmin() {
        if (me() == null) {
            return false;
        }
        try {
            return caller.current().systemAdmin();
        } catch (SessionEndedException e) {
            return false;
        }
    }

    /** The signed-in user's name, or null on pages shown before sign-in. */
    public String me() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof ConsoleUser user ? user.name() : null;
    }
}
