package org.manilaj.core.model;

import java.time.Instant;

/** An access rule of a share: who may mount it ({@code ip} + address or CIDR) and how ({@code rw}/{@code ro}). */
public record AccessRule(String id, String shareId, String accessType, String accessTo, String accessLevel,
                         String state, String accessKey, Instant createdAt, Instant updatedAt) {
    public static final String QUEUED_TO_APPLY = "queued_to_apply";
    public static final String APPLYING = "applying";
    public static final String ACTIVE = "active";
    public static final String ERROR = "error";
    public static final String QUEUED_TO_DENY = "queued_to_deny";
    public static final String DENYING = "denying";
}
