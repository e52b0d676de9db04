package dev.registry.web.security;

import dev.registry.core.RegistryException;
import dev.registry.core.ThrottledException;
import dev.registry.core.access.CredentialService;
import dev.registry.core.access.Principal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Form sign-in with the registry's users, through the same {@link CredentialService} as Basic
 * credentials on {@code /v2} and {@code /api/v1}: the same password check, the same throttle per
 * name and address, the same audit records. Robots cannot sign in to the console.
 */
class ConsoleAuthenticationProvider implements AuthenticationProvider {

    private final CredentialService credentials;

    ConsoleAuthenticationProvider(CredentialService credentials) {
        this.credentials = credentials;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String name = authentication.getName();
        String password = authentication.getCredentials() == null ? null : authentication.getCredentials().toString();
        if (name != null && name.startsWith("robot.")) {
            throw new BadCredentialsException("robot accounts cannot sign in to the console; they sign in to /v2 with their secret");
        }
        String address = authentication.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : null;
        Principal principal;
        try {
            principal = credentials.authenticate(name, password, address);
        } catch (ThrottledException e) {
            throw new LockedException("too many failed sign-ins for " + name + " from this address; try again in "
                    + Math.max(1, e.retryAfter().toSeconds()) + " s");
        } catch (RegistryException e) {
            throw new BadCredentialsException("wrong username or password");
        }
        if (!(principal instanceof Principal.User user)) {
            throw new BadCredentialsException("robot accounts cannot sign in to the console");
        }
        // the token check truncates to seconds too: a password changed after this second ends the session
        ConsoleUser signedIn = new ConsoleUser(user.id(), user.name(), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        return UsernamePasswordAuthenticationToken.authenticated(signedIn, null,
                List.of(new SimpleGrantedAuthority(user.systemAdmin() ? "ROLE_SYSTEM_ADMIN" : "ROLE_USER")));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
