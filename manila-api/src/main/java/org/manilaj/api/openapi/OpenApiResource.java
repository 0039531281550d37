package org.manilaj.api.openapi;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.function.Supplier;
import org.manilaj.api.filters.NoCaller;

/**
 * {@code GET /openapi.json}: the OpenAPI 3 document of the API this service serves, without a token like the
 * version documents (it describes the API, it holds nothing of anyone's). Generated once, on the first request,
 * so that start-up does not pay for it.
 */
@Path("/openapi.json")
@NoCaller
public final class OpenApiResource {
    private final Supplier<String> generator;
    private volatile String document;

    public OpenApiResource(Supplier<String> generator) {
        this.generator = generator;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String document() {
        String generated = document;
        if (generated == null) {
            generated = generator.get();
            document = generated;
        }
        return generated;
    }
}
