package org.manilaj.core.hooks;

import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;

/** What admins see of the hooks: each with its delivery counts, its recent deliveries, and redelivering a dead one. */
public final class HookService {

    /** A hook and how many of its deliveries are pending, delivered and dead. */
    public record HookStatus(HookSpec spec, int pending, int delivered, int dead) {
    }

    private final Jdbi jdbi;
    private final List<HookSpec> hooks;
    private final Clock clock;

    public HookService(Jdbi jdbi, List<HookSpec> hooks, Clock clock) {
        this.jdbi = jdbi;
        this.hooks = List.copyOf(hooks);
        this.clock = clock;
    }

    public List<HookStatus> list(RequestContext context) {
        requireAdmin(context);
        return jdbi.withExtension(HookDao.class, dao -> hooks.stream().map(hook -> new HookStatus(hook,
                dao.count(hook.name(), "pending"), dao.count(hook.name(), "delivered"), dao.count(hook.name(), "dead")))
                .toList());
    }

    /** The hook's latest deliveries, newest first, of one status or all. */
    public List<HookDao.Delivery> deliveries(RequestContext context, String hook, String status, int limit) {
        requireAdmin(context);
        known(hook);
        if (status != null && !List.of("pending", "delivered", "dead").contains(status)) {
            throw ManilaException.badRequest("status must be pending, delivered or dead.");
        }
        return jdbi.withExtension(HookDao.class, dao -> dao.recent(hook, status, limit));
    }

    /** A dead delivery is tried again from its first try. */
    public void redeliver(RequestContext context, String hook, String eventId) {
        requireAdmin(context);
        known(hook);
        if (jdbi.withExtension(HookDao.class, dao -> dao.redeliver(hook, eventId, clock.instant())) == 0) {
            throw ManilaException.conflict("Event " + eventId + " is not a dead delivery of hook " + hook + ".");
        }
    }

    private void known(String hook) {
        if (hooks.stream().noneMatch(spec -> spec.name().equals(hook))) {
            throw ManilaException.notFound("Hook " + hook + " could not be found.");
        }
    }

    private static void requireAdmin(RequestContext context) {
        if (!context.admin()) {
            throw ManilaException.forbidden("Policy doesn't allow hooks to be read or redelivered.");
        }
    }
}
