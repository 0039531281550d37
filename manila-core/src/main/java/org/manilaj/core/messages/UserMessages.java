package org.manilaj.core.messages;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;

/** Writes and reads the messages that tell tenants why asynchronous work failed. */
public final class UserMessages {
    private static final Duration RETENTION = Duration.ofDays(30);

    private final Jdbi jdbi;
    private final Clock clock;

    public UserMessages(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Records a message about a share, in the caller's transaction. */
    public void recordForShare(Handle handle, String projectId, String shareId, MessageAction action, MessageDetail detail) {
        recordForShare(handle, projectId, shareId, action, detail, null);
    }

    /** As above, with the short reason a pre-hook gave (cleaned by the hooks; null for none). */
    public void recordForShare(Handle handle, String projectId, String shareId, MessageAction action, MessageDetail detail,
                               String reason) {
        Instant now = clock.instant();
        handle.attach(MessageDao.class).insert(new UserMessage(UUID.randomUUID().toString(), projectId, null, "SHARE",
                shareId, action.id(), detail.id(), "ERROR", now, now.plus(RETENTION), reason));
    }

    public List<UserMessage> list(RequestContext context) {
        return jdbi.withExtension(MessageDao.class, messages -> messages.list(context.projectId()));
    }

    /** The project's messages about one resource (Manila's {@code resource_id} filter), newest first. */
    public List<UserMessage> listFor(RequestContext context, String resourceId) {
        return jdbi.withExtension(MessageDao.class, messages -> messages.listForResource(context.projectId(), resourceId));
    }

    public UserMessage get(RequestContext context, String id) {
        return jdbi.withExtension(MessageDao.class, messages -> messages.find(id, context.projectId()))
                .orElseThrow(() -> ManilaException.notFound("Message " + id + " could not be found."));
    }

    public void delete(RequestContext context, String id) {
        if (jdbi.withExtension(MessageDao.class, messages -> messages.delete(id, context.projectId())) == 0) {
            throw ManilaException.notFound("Message " + id + " could not be found.");
        }
    }
}
