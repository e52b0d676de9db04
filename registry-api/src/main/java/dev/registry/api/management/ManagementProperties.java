package dev.registry.api.management;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param publicUrl how clients reach this registry ({@code registry.public-url}, e.g.
 *                  {@code https://registry.example.com}); its host (and port) is the registry in
 *                  generated pull secrets. Unset: the {@code Host} of the request asking for one
 */
@ConfigurationProperties("registry")
record ManagementProperties(URI publicUrl) {
}
