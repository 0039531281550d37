package org.manilaj.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.RequestContext;

/**
 * Issues, checks and revokes API tokens. A token is 256 random bits; only its SHA-256 is stored. A
 * slow password hash would add nothing for secrets of that strength, and a fast one keeps every
 * request's check to one indexed lookup.
 */
public final class TokenService {
    public static final Set<String> ROLES = Set.of("admin", "member");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-@]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final Clock clock;

    public TokenService(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A new token and what is stored of it; the token itself cannot be recovered later. */
    public record Issued(String token, ApiToken stored) {
    }

    public Issued create(String projectId, String userId, List<String> roles, Duration lifetime) {
        if (projectId == null || !NAME.matcher(projectId).matches()) {
            throw new IllegalArgumentException("--project must be 1-64 letters, digits, '_', '-', '.' or '@'");
        }
        String user = userId == null ? projectId : userId;
        if (!NAME.matcher(user).matches()) {
            throw new IllegalArgumentException("--user must be 1-64 letters, digits, '_', '-', '.' or '@'");
        }
        if (roles.isEmpty() || !ROLES.containsAll(roles)) {
            throw new IllegalArgumentException("--role must be one of " + ROLES);
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = "mj-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        ApiToken stored = new ApiToken(UUID.randomUUID().toString(), hash(token), projectId, user, String.join(",", roles),
                now, lifetime == null ? null : now.plus(lifetime), null);
        jdbi.useExtension(TokenDao.class, tokens -> tokens.insert(stored));
        return new Issued(token, stored);
    }

    /** The caller a presented token speaks for, if it is known, unexpired and not revoked. */
    public Optional<RequestContext> authenticate(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return jdbi.withExtension(TokenDao.class, tokens -> tokens.findByHash(hash(token.trim())))
                .filter(found -> found.isUsableAt(now))
                .map(found -> new RequestContext(found.userId(), found.projectId(), found.roleList().contains("admin"), found.id()));
    }

    public List<ApiToken> list() {
        return jdbi.withExtension(TokenDao.class, TokenDao::list);
    }

    /** @return whether a token with this id was live and is now revoked */
    public boolean revoke(String id) {
        return jdbi.withExtension(TokenDao.class, tokens -> tokens.revoke(id, clock.instant())) == 1;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
