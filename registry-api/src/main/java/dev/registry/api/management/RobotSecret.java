package dev.registry.api.management;

/**
 * The answer to creating a robot or rotating its secret: the only time the secret is shown.
 *
 * @param secret         the robot's password for {@code docker login}, Basic credentials and tokens
 * @param pullSecretYaml a Kubernetes image pull secret with these credentials, for {@code kubectl apply -f}
 */
record RobotSecret(RobotView robot, String secret, String pullSecretYaml) {
}
