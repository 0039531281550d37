package org.manilaj.core.events;

import java.time.Instant;

/**
 * An event as the outbox keeps it: {@code seq} orders every event, {@code payload} is the JSON delivered to hooks
 * (id, type, time, share, project and the event's data).
 */
public record Event(long seq, String id, String type, String shareId, String projectId, String payload,
                    Instant createdAt) {
}
