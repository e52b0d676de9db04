package dev.registry.api.management;

import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The OpenAPI 3 document of {@code /api/v1} at {@code /api/v1/openapi.json}: docs/openapi.json as it is checked in,
 * packaged into the jar by the build. springdoc generates it from the controllers' annotations in the tests only
 * ({@code OpenApiDocumentTest} fails when the generated and the checked-in document differ), so the running registry
 * loads none of springdoc's and swagger's classes nor Jackson 2 (about 930 classes; docs/benchmarks.md, issue 15).
 */
@RestController
@Hidden
class OpenApiDocumentController {

    /** Where the build puts docs/openapi.json on the class path (registry-api/pom.xml, resources). */
    static final String RESOURCE = "/openapi/openapi.json";

    private final byte[] document;

    OpenApiDocumentController() {
        try (InputStream in = OpenApiDocumentController.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path: the build copies docs/openapi.json there");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GetMapping(path = "/api/v1/openapi.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> document() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(document);
    }
}
