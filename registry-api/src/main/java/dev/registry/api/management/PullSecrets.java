package dev.registry.api.management;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Kubernetes image pull secrets for robot accounts: a {@code kubernetes.io/dockerconfigjson}
 * Secret manifest, ready for {@code kubectl apply -f}, naming this registry's host (from
 * {@code registry.public-url}, else the request's {@code Host}).
 *
 * <p>A robot's secret is stored only as a hash, so a complete manifest exists only where the
 * secret does: in the answers to creating a robot and rotating its secret, or when the caller
 * hands the secret back ({@code X-Robot-Secret}). Otherwise the manifest is a template whose
 * password is {@value #PLACEHOLDER}, in {@code stringData} so that it can be replaced by hand.
 */
@Component
class PullSecrets {

    static final String PLACEHOLDER = "REPLACE_WITH_ROBOT_SECRET";
    static final String DEFAULT_NAMESPACE = "default";
    /** A Kubernetes namespace name: an RFC 1123 label. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final ManagementProperties properties;

    PullSecrets(ManagementProperties properties) {
        this.properties = properties;
    }

    /** The namespace parameter checked (400 naming it when it is not a namespace name); the default when absent. */
    static String namespace(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            return DEFAULT_NAMESPACE;
        }
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw Paging.invalid("namespace", "'" + namespace + "' is not a Kubernetes namespace name (RFC 1123 label:"
                    + " up to 63 lower-case letters, digits and '-')");
        }
        return namespace;
    }

    /** The registry's host (and port) as clients and kubelets address it. */
    String registryHost(HttpServletRequest request) {
        if (properties.publicUrl() != null && properties.publicUrl().getHost() != null) {
            int port = properties.publicUrl().getPort();
            return properties.publicUrl().getHost() + (port < 0 ? "" : ":" + port);
        }
        String host = request.getHeader("Host");
        return host == null || host.isBlank() ? request.getServerName() + ":" + request.getServerPort() : host;
    }

    /** A complete Secret with the robot's credentials. */
    String complete(String host, String namespace, String robot, String secret) {
        String auth = base64(robot + ":" + secret);
        String config = "{\"auths\":{\"" + host + "\":{\"username\":\"" + robot + "\",\"password\":\"" + secret
                + "\",\"auth\":\"" + auth + "\"}}}";
        return header(namespace, robot) + "data:\n  .dockerconfigjson: " + base64(config) + "\n";
    }

    /** A Secret to complete by hand: the password is {@value #PLACEHOLDER}. */
    String template(String host, String namespace, String robot) {
        return """
                # The robot's secret is stored only as a hash, so it cannot be filled in here. Replace
                # %s with the secret shown when the robot was created or its secret last
                # rotated (or ask again sending it in the X-Robot-Secret header), then: kubectl apply -f <this file>
                """.formatted(PLACEHOLDER)
                + header(namespace, robot) + "stringData:\n  .dockerconfigjson: '{\"auths\":{\"" + host + "\":{\"username\":\""
                + robot + "\",\"password\":\"" + PLACEHOLDER + "\"}}}'\n";
    }

    private static String header(String namespace, String robot) {
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: %s
                  namespace: %s
                type: kubernetes.io/dockerconfigjson
                """.formatted(secretName(robot), namespace);
    }

    /** A Secret name (RFC 1123 subdomain) from the robot's name, whose project part may hold '_'. */
    static String secretName(String robot) {
        return robot.replace('_', '-');
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
