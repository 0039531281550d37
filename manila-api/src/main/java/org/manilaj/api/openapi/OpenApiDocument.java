package org.manilaj.api.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.jaxrs2.Reader;
import io.swagger.v3.oas.integration.SwaggerConfiguration;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.glassfish.jersey.server.ResourceConfig;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.api.filters.NoCaller;

/**
 * The OpenAPI 3 document of a set of JAX-RS resources, read from their annotations by swagger-core's reader,
 * with paths and schemas in a stable order so that the document checked into the repository can be compared
 * with what the service serves.
 */
public final class OpenApiDocument {
    static final String TOKEN_SCHEME = "token";

    private OpenApiDocument() {
    }

    /** The document of the resources Jersey serves (the objects and classes it was given). */
    public static String of(ResourceConfig jersey) {
        return of(Stream.concat(jersey.getInstances().stream(), jersey.getClasses().stream()).toList());
    }

    /** The document of the resource classes among {@code registered} (objects or classes Jersey was given). */
    static String of(Collection<?> registered) {
        Set<Class<?>> resources = new LinkedHashSet<>();
        registered.stream()
                .map(item -> item instanceof Class<?> type ? type : item.getClass())
                .filter(type -> type.isAnnotationPresent(Path.class) && type != OpenApiResource.class)
                .sorted(Comparator.comparing(Class::getName))
                .forEach(resources::add);
        OpenAPI base = new OpenAPI()
                .info(new Info().title("Manila-J API").version(ApiVersion.MAX.toString())
                        .description("OpenStack Manila's v2 shared-file-system API (microversions "
                                + ApiVersion.MIN + " to " + ApiVersion.MAX + ", chosen with the"
                                + " X-OpenStack-Manila-API-Version header) and Manila-J's admin extensions under"
                                + " /v2/admin. Every path may also be spelled with the caller's project id after /v2."
                                + " Generated from the service's JAX-RS resources.")
                        .license(new License().name("Apache-2.0")))
                .components(new Components().addSecuritySchemes(TOKEN_SCHEME, new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name("X-Auth-Token")));
        OpenAPI document = new Reader(new SwaggerConfiguration().openAPI(base)).read(resources);
        requireTokens(document, resources);
        return write(sorted(document));
    }

    /** Every operation needs a token but those {@link NoCaller} lets through (the rule the filters apply). */
    private static void requireTokens(OpenAPI document, Set<Class<?>> resources) {
        Set<String> open = new LinkedHashSet<>();
        for (Class<?> resource : resources) {
            String root = trim(resource.getAnnotation(Path.class).value());
            for (Method method : resource.getMethods()) {
                HttpMethod verb = verb(method);
                if (verb != null && NoCaller.Rule.appliesTo(resource, method)) {
                    String sub = method.isAnnotationPresent(Path.class) ? trim(method.getAnnotation(Path.class).value()) : "";
                    open.add(verb.value() + " /" + String.join("/", Stream.of(root, sub).filter(part -> !part.isEmpty()).toList()));
                }
            }
        }
        document.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((verb, operation) -> {
            if (!open.contains(verb.name() + " " + path)) {
                operation.addSecurityItem(new SecurityRequirement().addList(TOKEN_SCHEME));
            }
        }));
    }

    /** The HTTP method a resource method answers ({@code @GET}, {@code @POST}...), or null for a sub-resource or helper. */
    private static HttpMethod verb(Method method) {
        return Stream.of(method.getAnnotations()).map(annotation -> annotation.annotationType().getAnnotation(HttpMethod.class))
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    private static String trim(String path) {
        String trimmed = path.strip();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    private static OpenAPI sorted(OpenAPI document) {
        Paths paths = new Paths();
        new TreeMap<>(document.getPaths()).forEach(paths::addPathItem);
        document.setPaths(paths);
        if (document.getComponents().getSchemas() != null) {
            document.getComponents().setSchemas(new TreeMap<>(document.getComponents().getSchemas()));
        }
        return document;
    }

    private static String write(OpenAPI document) {
        try {
            return Json.mapper().copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the OpenAPI document cannot be written", e);
        }
    }
}
