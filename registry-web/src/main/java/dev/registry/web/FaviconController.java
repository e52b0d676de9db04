package dev.registry.web;

import java.time.Duration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /favicon.ico}: the console's icon ({@code /ui/favicon.svg}, which every page names in its
 * {@code <link rel="icon">}) for the browser's own request, rather than a 404 in its console.
 */
@Controller
class FaviconController {

    private static final Resource ICON = new ClassPathResource("console/favicon.svg");
    private static final MediaType SVG = MediaType.parseMediaType("image/svg+xml");

    @GetMapping(ConsolePaths.FAVICON)
    ResponseEntity<Resource> favicon() {
        return ResponseEntity.ok().contentType(SVG).cacheControl(CacheControl.maxAge(Duration.ofDays(1))).body(ICON);
    }
}
