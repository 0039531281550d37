package org.manilaj.core.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Writes events into the outbox, in the caller's transaction, with a pending delivery to each hook subscribed to
 * its type: an event exists exactly when the state change it tells of was committed, and hooks hear of it at least
 * once, after the fact.
 */
public final class Events {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    /** Records an event of {@code type} about a share (or none), with its data. */
    public static void record(Handle handle, String type, String shareId, String projectId, Map<String, Object> data,
                              Instant at) {
        String id = UUID.randomUUID().toString();
        EventDao events = handle.attach(EventDao.class);
        long seq = events.insert(id, type, shareId, projectId, envelope(id, type, shareId, projectId, data, at), at);
        if (events.anySubscriber(type)) { // read in this transaction, as the insert's own select would be
            events.subscribe(seq, type, shareId, at);
        }
    }

    /**
     * The JSON every hook gets, events and pre-hooks' requests and usage reports alike: id, type, time, share,
     * project and the data.
     */
    public static String envelope(String id, String type, String shareId, String projectId, Map<String, Object> data,
                                  Instant at) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", id);
        payload.put("type", type);
        payload.put("created_at", at.truncatedTo(ChronoUnit.MILLIS).toString());
        payload.put("share_id", shareId);
        payload.put("project_id", projectId);
        payload.put("data", data);
        try {
            return JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(type + " cannot be written as JSON", e);
        }
    }
}
