package org.manilaj.api.resources;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.core.RequestContext;
import org.manilaj.api.views.MessageView;
import org.manilaj.core.messages.UserMessages;

/** User messages (2.37+): why an asynchronous operation failed, in fixed safe texts. */
@Path("/v2/messages")
@Produces(MediaType.APPLICATION_JSON)
public final class MessagesResource {
    private final UserMessages messages;

    public MessagesResource(UserMessages messages) {
        this.messages = messages;
    }

    @GET
    public Map<String, Object> list(@Context ContainerRequestContext request, @Context UriInfo uri,
                                    @QueryParam("resource_id") String resourceId) {
        SharesResource.requireVersion(request, 2, 37);
        RequestContext caller = RequestAttributes.context(request);
        return Map.of("messages", (resourceId == null ? messages.list(caller) : messages.listFor(caller, resourceId)).stream()
                .map(message -> MessageView.render(message, uri.getBaseUri())).toList());
    }

    @GET
    @Path("{messageId}")
    public Map<String, Object> show(@Context ContainerRequestContext request, @Context UriInfo uri,
                                    @PathParam("messageId") String messageId) {
        SharesResource.requireVersion(request, 2, 37);
        return Map.of("message", MessageView.render(messages.get(RequestAttributes.context(request), messageId),
                uri.getBaseUri()));
    }

    @DELETE
    @Path("{messageId}")
    public Response delete(@Context ContainerRequestContext request, @PathParam("messageId") String messageId) {
        SharesResource.requireVersion(request, 2, 37);
        messages.delete(RequestAttributes.context(request), messageId);
        return Response.noContent().build();
    }
}
