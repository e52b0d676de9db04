package dev.registry.api.management;

import dev.registry.core.access.PullSecrets;
import dev.registry.core.access.Robot;
import dev.registry.core.access.RobotService;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** What project and system robot endpoints answer alike: a new secret with its pull secret, a pull secret, a page. */
@Component
class RobotResponses {

    static final MediaType YAML = MediaType.parseMediaType("application/yaml");
    static final String SECRET_HEADER = "X-Robot-Secret";

    private final RobotService robots;
    private final ManagementProperties properties;

    RobotResponses(RobotService robots, ManagementProperties properties) {
        this.robots = robots;
        this.properties = properties;
    }

    /** The registry's host as clients address it ({@code registry.public-url}, else the request's). */
    private String registryHost(HttpServletRequest request) {
        return PullSecrets.registryHost(properties.publicUrl(), request.getHeader("Host"), request.getServerName(),
                request.getServerPort());
    }

    ResponseEntity<RobotSecret> created(RobotService.WithSecret created, String namespace, String location, HttpServletRequest request) {
        return ResponseEntity.created(URI.create(location)).body(withSecret(created, namespace, request));
    }

    RobotSecret withSecret(RobotService.WithSecret robot, String namespace, HttpServletRequest request) {
        String yaml = PullSecrets.complete(registryHost(request), PullSecrets.namespace(namespace), robot.robot().name(),
                robot.secret());
        return new RobotSecret(RobotView.of(robot.robot()), robot.secret(), yaml);
    }

    /** The complete Secret when {@code secret} is the robot's (400 when it is not), else the template. */
    ResponseEntity<String> pullSecret(Robot robot, String namespace, String secret, HttpServletRequest request) {
        String ns = PullSecrets.namespace(namespace);
        String host = registryHost(request);
        String yaml;
        if (secret == null || secret.isEmpty()) {
            yaml = PullSecrets.template(host, ns, robot.name());
        } else if (robots.secretMatches(robot.id(), secret)) {
            yaml = PullSecrets.complete(host, ns, robot.name(), secret);
        } else {
            throw Paging.invalid(SECRET_HEADER, "that is not the current secret of " + robot.name());
        }
        return ResponseEntity.ok().contentType(YAML)
                .header("Content-Disposition", "inline; filename=\"" + PullSecrets.secretName(robot.name()) + ".yaml\"").body(yaml);
    }

    ResponseEntity<List<RobotView>> page(Long projectId, Paging paging) {
        return paging.respond(robots.list(projectId, paging.index(), paging.size()).stream().map(RobotView::of).toList(),
                robots.count(projectId));
    }
}
