package org.manilaj.core.messages;

import java.time.Instant;

/**
 * A message for a tenant about an asynchronous failure (Manila's {@code /messages}). The text is
 * composed from fixed action and detail ids, never from backend output; a pre-hook's refusal adds the short,
 * cleaned {@code reason} the hook gave for it.
 */
public record UserMessage(String id, String projectId, String requestId, String resourceType, String resourceId,
                          String actionId, String detailId, String messageLevel, Instant createdAt,
                          Instant expiresAt, String reason) {

    public String userMessage() {
        String text = MessageAction.byId(actionId).text() + ": " + MessageDetail.byId(detailId).text();
        return reason == null ? text : text + ": " + reason;
    }
}
