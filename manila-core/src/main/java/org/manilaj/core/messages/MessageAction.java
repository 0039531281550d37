package org.manilaj.core.messages;

import java.util.Arrays;

/** What the service was doing when a user message was written (Manila's action ids). */
public enum MessageAction {
    ALLOCATE_HOST("001", "allocate host"),
    CREATE("002", "create"),
    DELETE("007", "delete"),
    EXTEND("010", "extend"),
    SHRINK("011", "shrink"),
    /** Manila-J's own: an access rule (Manila reports access failures on the rule, not as a message). */
    ALLOW_ACCESS("900", "allow access");

    private final String id;
    private final String text;

    MessageAction(String id, String text) {
        this.id = id;
        this.text = text;
    }

    public String id() {
        return id;
    }

    public String text() {
        return text;
    }

    public static MessageAction byId(String id) {
        return Arrays.stream(values()).filter(action -> action.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown message action " + id));
    }
}
