package org.manilaj.api.views;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.core.messages.UserMessage;

/** User messages (2.37+). */
public final class MessageView {
    private MessageView() {
    }

    public static Map<String, Object> render(UserMessage message, URI baseUri) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", message.id());
        view.put("project_id", message.projectId());
        view.put("action_id", message.actionId());
        view.put("detail_id", message.detailId());
        view.put("message_level", message.messageLevel());
        view.put("created_at", Timestamps.format(message.createdAt()));
        view.put("expires_at", Timestamps.format(message.expiresAt()));
        view.put("request_id", message.requestId());
        view.put("links", Links.of(baseUri, message.projectId(), "messages", message.id()));
        view.put("resource_type", message.resourceType());
        view.put("resource_id", message.resourceId());
        view.put("user_message", message.userMessage());
        return view;
    }
}
