package dev.registry.web.security;

import dev.registry.core.RegistryException;
import dev.registry.core.access.CredentialService;
import dev.registry.core.access.Principal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.core.MethodParameter;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Gives console controllers the signed-in user as a {@link Principal.User}, asked of
 * {@link CredentialService#current} on every request (the same check a token gets): a user deleted
 * or whose password changed since sign-in ends the session ({@link SessionEndedException}).
 */
@Component
public class ConsoleCaller implements HandlerMethodArgumentResolver {

    private final CredentialService credentials;
    private final SecurityContextRepository sessions = new HttpSessionSecurityContextRepository();

    ConsoleCaller(CredentialService credentials) {
        this.credentials = credentials;
    }

    /** What {@link #current} found for a session's user in this request (the controller and the page both ask). */
    private record Found(ConsoleUser user, Principal.User principal) {
    }

    private static final String FOUND = ConsoleCaller.class.getName() + ".found";

    /** The signed-in user now, or {@link SessionEndedException}; read once per request. */
    public Principal.User current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof ConsoleUser user)) {
            throw new SessionEndedException("sign in to use the console");
        }
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null && request.getAttribute(FOUND, RequestAttributes.SCOPE_REQUEST) instanceof Found found
                && found.user().equals(user)) {
            return found.principal();
        }
        Principal.User principal;
        try {
            principal = (Principal.User) credentials.current("user", user.id(), user.signedInAt());
        } catch (RegistryException e) {
            throw new SessionEndedException(e.getMessage());
        }
        if (request != null) {
            request.setAttribute(FOUND, new Found(user, principal), RequestAttributes.SCOPE_REQUEST);
        }
        return principal;
    }

    /**
     * Signs this browser in again as the same user, now: after its user's password changed, this
     * session is the one that survives (its sign-in time is no longer before the change, to the
     * second, as {@link CredentialService#current} compares), under a new session id. Other sessions
     * and tokens issued before the change stay ended.
     */
    public void signInAgain(HttpServletRequest request, HttpServletResponse response) {
        Authentication before = SecurityContextHolder.getContext().getAuthentication();
        if (before == null || !(before.getPrincipal() instanceof ConsoleUser user)) {
            throw new SessionEndedException("sign in to use the console");
        }
        ConsoleUser renewed = new ConsoleUser(user.id(), user.name(), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(renewed, null, before.getAuthorities()));
        SecurityContextHolder.setContext(context);
        request.changeSessionId();
        sessions.saveContext(context, request, response);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return Principal.User.class.equals(parameter.getParameterType());
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
                                  WebDataBinderFactory binders) {
        return current();
    }
}
