package io.schemafleet.coordinator.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/openapi.yml}: the API's OpenAPI 3.0 document, written by hand
 * ({@code openapi/schemafleet.yml} in the coordinator jar) and read once.
 */
@Controller("/api/openapi.yml")
public class OpenApiController {
    /** Where the document is on the classpath. */
    public static final String RESOURCE = "openapi/schemafleet.yml";
    /** RFC 9512's media type for YAML. */
    public static final String YAML = "application/yaml";

    private final byte[] document;

    public OpenApiController() {
        this.document = load();
    }

    @Get(produces = YAML)
    public HttpResponse<byte[]> document() {
        return HttpResponse.ok(document).contentType(YAML);
    }

    private static byte[] load() {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
