package dev.registry.api.distribution;

import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v2/}: the API version check (distribution spec, end-1). */
@RestController
class BaseController {

    @GetMapping({"/v2/", "/v2"})
    ResponseEntity<Map<String, Object>> versionCheck() {
        return ResponseEntity.ok(Map.of());
    }
}
