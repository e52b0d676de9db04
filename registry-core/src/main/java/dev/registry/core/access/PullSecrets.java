package dev.registry.core.access;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Kubernetes image pull secrets for robot accounts: a {@code kubernetes.io/dockerconfigjson}
 * Secret manifest, ready for {@code kubectl apply -f}, and the equivalent
 * {@code kubectl create secret docker-registry} command, naming this registry's host. Used by the
 * management API and the console alike.
 *
 * <p>A robot's secret is stored only as a hash, so a complete manifest exists only where the
 * secret does: in the answers to creating a robot and rotating its secret, or when the caller
 * hands the secret back. Otherwise the manifest is a template whose password is
 * {@value #PLACEHOLDER}, in {@code stringData} so that it can be replaced by hand.
 */
public final class PullSecrets {

    public static final String PLACEHOLDER = "REPLACE_WITH_ROBOT_SECRET";
    public static final String DEFAULT_NAMESPACE = "default";
    /** A Kubernetes namespace name: an RFC 1123 label. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private PullSecrets() {
    }

    /** The namespace checked ({@code INVALID_INPUT} on the field {@code namespace} when it is not a namespace name); the default when absent. */
    public static String namespace(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            return DEFAULT_NAMESPACE;
        }
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "'" + namespace + "' is not a Kubernetes namespace name (RFC 1123"
                    + " label: up to 63 lower-case letters, digits and '-')", Map.of("field", "namespace"));
        }
        return namespace;
    }

    /**
     * The registry's host (and port) as clients and kubelets address it: {@code registry.public-url}'s
     * when it is set, else the request's {@code Host} header, else the server's name and port.
     */
    public static String registryHost(URI publicUrl, String hostHeader, String serverName, int serverPort) {
        if (publicUrl != null && publicUrl.getHost() != null) {
            int port = publicUrl.getPort();
            return publicUrl.getHost() + (port < 0 ? "" : ":" + port);
        }
        return hostHeader == null || hostHeader.isBlank() ? serverName + ":" + serverPort : hostHeader;
    }

    /** A complete Secret with the robot's credentials. */
    public static String complete(String host, String namespace, String robot, String secret) {
        String auth = base64(robot + ":" + secret);
        String config = "{\"auths\":{\"" + host + "\":{\"username\":\"" + robot + "\",\"password\":\"" + secret
                + "\",\"auth\":\"" + auth + "\"}}}";
        return header(namespace, robot) + "data:\n  .dockerconfigjson: " + base64(config) + "\n";
    }

    /** A Secret to complete by hand: the password is {@value #PLACEHOLDER}. */
    public static String template(String host, String namespace, String robot) {
        return """
                # The robot's secret is stored only as a hash, so it cannot be filled in here. Replace
                # %s with the secret shown when the robot was created or its secret last
                # rotated (or ask again sending it in the X-Robot-Secret header), then: kubectl apply -f <this file>
                """.formatted(PLACEHOLDER)
                + header(namespace, robot) + "stringData:\n  .dockerconfigjson: '{\"auths\":{\"" + host + "\":{\"username\":\""
                + robot + "\",\"password\":\"" + PLACEHOLDER + "\"}}}'\n";
    }

    /**
     * The {@code kubectl create secret docker-registry} command making the same Secret. Robot
     * names and secrets need no quoting in a shell (letters, digits, '.', '-', '_').
     */
    public static String kubectlCommand(String host, String namespace, String robot, String secret) {
        return "kubectl create secret docker-registry " + secretName(robot) + " --namespace=" + namespace
                + " --docker-server=" + host + " --docker-username=" + robot + " --docker-password=" + secret;
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
    public static String secretName(String robot) {
        return robot.replace('_', '-');
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
