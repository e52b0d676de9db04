package dev.registry.web.security;

import dev.registry.core.RegistryException;
import dev.registry.core.access.CredentialService;
import dev.registry.core.access.Principal;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
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

    ConsoleCaller(CredentialService credentials) {
        this.credentials = credentials;
    }

    /** The signed-in user now, or {@link SessionEndedException}. */
    public Principal.User current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof ConsoleUser user)) {
            throw new SessionEndedException("sign in to use the console");
        }
        try {
            return (Principal.User) credentials.current("user", user.id(), user.signedInAt());
        } catch (RegistryException e) {
            throw new SessionEndedException(e.getMessage());
        }
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
