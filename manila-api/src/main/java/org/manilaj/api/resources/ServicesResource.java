package org.manilaj.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.api.views.Timestamps;
import org.manilaj.core.ManilaException;
import org.manilaj.core.pool.BackendServices;

/**
 * Manila's services API, admins only: {@code GET /v2/services} (one {@code manila-share} service per backend;
 * {@code /v2/os-services} before 2.7, as Manila), and {@code PUT .../disable} and {@code .../enable}. Each
 * service also shows its {@code disabled_reason}, which Manila shows from 2.83.
 */
@Path("/v2/{services: services|os-services}")
@Produces(MediaType.APPLICATION_JSON)
public final class ServicesResource {
    private final BackendServices services;

    public ServicesResource(BackendServices services) {
        this.services = services;
    }

    @GET
    public Map<String, Object> list(@Context ContainerRequestContext request, @PathParam("services") String path,
                                    @QueryParam("host") String host, @QueryParam("binary") String binary,
                                    @QueryParam("zone") String zone, @QueryParam("state") String state,
                                    @QueryParam("status") String status) {
        requirePath(request, path);
        return Map.of("services", services.list(RequestAttributes.context(request),
                new BackendServices.Filter(host, binary, zone, state, status)).stream().map(ServicesResource::view).toList());
    }

    @PUT
    @Path("{action: disable|enable}")
    public Map<String, Object> change(@Context ContainerRequestContext request, @PathParam("services") String path,
                                      @PathParam("action") String action, JsonNode body) {
        requirePath(request, path);
        if (body == null || !body.isObject()) {
            throw ManilaException.badRequest("Malformed request body: an object with 'host' and 'binary' is required.");
        }
        BackendServices.Service service = services.setDisabled(RequestAttributes.context(request), text(body, "host"),
                text(body, "binary"), "disable".equals(action), text(body, "disabled_reason"));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("host", service.host());
        view.put("binary", service.binary());
        view.put("disabled", service.disabled()); // Manila's shape before 2.83 (this service stops at 2.65)
        view.put("disabled_reason", service.disabledReason());
        return view;
    }

    /** {@code services} from 2.7 on, {@code os-services} before, as Manila routes them. */
    private static void requirePath(ContainerRequestContext request, String path) {
        boolean legacy = "os-services".equals(path);
        if (legacy == RequestAttributes.version(request).atLeast(2, 7)) {
            throw ManilaException.notFound("The resource could not be found.");
        }
    }

    private static Map<String, Object> view(BackendServices.Service service) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", service.id());
        view.put("binary", service.binary());
        view.put("host", service.host());
        view.put("zone", service.zone());
        view.put("status", service.status());
        view.put("state", service.state());
        view.put("updated_at", service.updatedAt() == null ? null : Timestamps.format(service.updatedAt()));
        view.put("disabled_reason", service.disabledReason());
        return view;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ManilaException.badRequest(field + " must be a string.");
        }
        return value.asText();
    }
}
