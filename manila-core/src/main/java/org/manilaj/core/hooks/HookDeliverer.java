package org.manilaj.core.hooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.db.ErrorText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox's events to the configured hooks (a Quartz job, on one node of a cluster): each event got a
 * pending delivery to each hook that hears it when it was written; a hook's are tried in the outbox's order, at
 * least once each: a failed try is tried again after a backoff that doubles (1 s, 2 s, 4 s ... at most 5 minutes), and after
 * the hook's {@code max_attempts} the delivery is dead until an admin redelivers it. A share's events reach a hook
 * in order: while one waits for its next try, that share's later events wait too. A hook that does not answer at all
 * (not reached, timed out) is left until the next run, so that it costs one timeout per run, not one per event. A hook configured anew hears the
 * events written after the service started with it.
 */
public final class HookDeliverer {
    private static final Logger LOG = LoggerFactory.getLogger(HookDeliverer.class);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final int BATCH = 200;

    private final Jdbi jdbi;
    private final List<HookSpec> hooks;
    private final Map<String, HookTarget> targets;
    private final Clock clock;

    public HookDeliverer(Jdbi jdbi, List<HookSpec> hooks, Function<HookSpec, HookTarget> targets, Clock clock) {
        this.jdbi = jdbi;
        this.hooks = hooks.stream().filter(HookSpec::isPost).toList(); // pre-hooks are asked; periodic ones get reports
        this.targets = this.hooks.stream().collect(Collectors.toMap(HookSpec::name, targets));
        this.clock = clock;
    }

    public HookDeliverer(Jdbi jdbi, List<HookSpec> hooks, Clock clock) {
        this(jdbi, hooks, HookTarget::of, clock);
    }

    public List<HookSpec> hooks() {
        return hooks;
    }

    /**
     * Writes the hooks' subscriptions from the configuration (every node of a cluster has the same): events written
     * from now on get a pending delivery to each hook that hears them, in their own transaction.
     */
    public void subscribe() {
        jdbi.useTransaction(handle -> {
            HookDao dao = handle.attach(HookDao.class);
            dao.forgetSubscriptions();
            for (HookSpec hook : hooks) {
                hook.events().stream().map(HookDeliverer::likePattern).distinct()
                        .forEach(pattern -> dao.subscribe(hook.name(), pattern));
            }
        });
    }

    /** {@code share.*} as {@code share.%}, the rest taken literally (escaped with {@code !}). */
    static String likePattern(String pattern) {
        boolean prefix = pattern.endsWith("*");
        String literal = (prefix ? pattern.substring(0, pattern.length() - 1) : pattern)
                .replace("!", "!!").replace("%", "!%").replace("_", "!_");
        return prefix ? literal + "%" : literal;
    }

    /** One run: every hook tries what is due. */
    public void deliverDue() {
        for (HookSpec hook : hooks) {
            try {
                tryDue(hook);
            } catch (RuntimeException e) { // the next run tries again; another hook is not held up
                LOG.error("hook {}: delivery run failed: {}", hook.name(), e.getMessage(), e);
            }
        }
    }

    private void tryDue(HookSpec hook) {
        Set<String> heldShares = new HashSet<>();
        for (HookDao.Delivery delivery : dao(dao -> dao.pending(hook.name(), BATCH))) {
            if (delivery.shareId() != null && heldShares.contains(delivery.shareId())) {
                continue;
            }
            Tried tried = delivery.nextAttemptAt().isAfter(clock.instant()) ? Tried.REFUSED : tryOnce(hook, delivery);
            if (tried == Tried.UNREACHABLE) {
                return; // no answer at all: the rest waits for the next run, instead of a timeout each
            }
            if (tried == Tried.REFUSED && delivery.shareId() != null) {
                heldShares.add(delivery.shareId()); // its later events wait behind it
            }
        }
    }

    /** What one try came to. */
    private enum Tried { DELIVERED, REFUSED, UNREACHABLE }

    private Tried tryOnce(HookSpec hook, HookDao.Delivery delivery) {
        String payload = dao(dao -> dao.payload(delivery.eventSeq()));
        try {
            targets.get(hook.name()).deliver(delivery.eventId(), delivery.eventType(), payload);
        } catch (HookTarget.Refused | IllegalArgumentException e) {
            int attempts = delivery.attempts() + 1;
            boolean dead = attempts >= hook.maxAttempts();
            Instant now = clock.instant();
            Duration backoff = Duration.ofSeconds(1L << Math.min(attempts - 1, 20));
            Instant next = now.plus(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
            dao(dao -> dao.failed(hook.name(), delivery.eventSeq(), dead ? "dead" : "pending", ErrorText.of(e.getMessage()),
                    next, now));
            if (dead) {
                LOG.warn("hook {}: event {} ({}) is dead after {} tries: {}", hook.name(), delivery.eventId(),
                        delivery.eventType(), attempts, e.getMessage());
            } else {
                LOG.info("hook {}: event {} ({}) not delivered ({}); try {} of {} in {}", hook.name(), delivery.eventId(),
                        delivery.eventType(), e.getMessage(), attempts + 1, hook.maxAttempts(), Duration.between(now, next));
            }
            return e instanceof HookTarget.Refused refused && refused.unreachable() ? Tried.UNREACHABLE : Tried.REFUSED;
        }
        dao(dao -> dao.delivered(hook.name(), delivery.eventSeq(), clock.instant()));
        LOG.debug("hook {}: event {} ({}) delivered", hook.name(), delivery.eventId(), delivery.eventType());
        return Tried.DELIVERED;
    }

    private <T> T dao(Function<HookDao, T> query) {
        return jdbi.withExtension(HookDao.class, query::apply);
    }
}
