package org.manilaj.core.auth;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** A stored API token (its hash only): who it speaks for and until when. */
public record ApiToken(String id, String tokenHash, String projectId, String userId, String roles, Instant createdAt,
                       Instant expiresAt, Instant revokedAt) {

    public List<String> roleList() {
        return Arrays.stream(roles.split(",")).map(String::trim).filter(role -> !role.isEmpty()).toList();
    }

    public boolean isUsableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
