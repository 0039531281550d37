package org.manilaj.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.events.Events;
import org.manilaj.core.testing.TestDatabase;

/**
 * The outbox's delivery on both databases, with a target that refuses on demand (fault injection in place of a
 * receiver): at least once, retried with a doubling backoff, dead after the hook's tries, in order per share (a
 * share's later event waits behind one in backoff, another share's does not), only events the hook hears, and a new
 * hook hears the events written after it; an event whose transaction commits after a later one's is not lost.
 */
class HookDelivererTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    /** A clock the test moves. */
    private static final class Moving extends Clock {
        Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Records what it got; refuses the events named in {@code refuse} as many times as given. */
    private static final class Target implements HookTarget {
        final List<String> delivered = new ArrayList<>();
        final List<String> tried = new ArrayList<>();
        final Map<String, Integer> refuse = new HashMap<>();

        @Override
        public void deliver(String eventId, String eventType, String payload) {
            String name = payload.replaceAll(".*\"name\":\"([^\"]*)\".*", "$1");
            tried.add(name);
            if (refuse.getOrDefault(name, 0) > 0) {
                refuse.merge(name, -1, Integer::sum);
                throw new Refused("HTTP 503");
            }
            delivered.add(name);
        }

        @Override
        public Answer ask(String requestId, String request, String payload) {
            throw new AssertionError("a post hook is never asked");
        }
    }

    private static HookSpec hook(String events, int maxAttempts) {
        return new HookSpec("h", "webhook", List.of(events), URI.create("http://127.0.0.1:1/"), "0123456789abcdef", null,
                Duration.ofSeconds(1), maxAttempts);
    }

    private static void event(Jdbi jdbi, String type, String share, String name, Instant at) {
        jdbi.useTransaction(handle -> Events.record(handle, type, share, "p", Map.of("name", name), at));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void eventsArriveAtLeastOnceInOrderPerShareWithBackoffThenDead(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        Moving clock = new Moving();
        Target target = new Target();
        HookDeliverer deliverer = new HookDeliverer(jdbi, List.of(hook("share.*", 3)), spec -> target, clock);
        event(jdbi, "share.create.end", "s1", "before the hook", T0);
        deliverer.subscribe(); // configured anew: hears what is written from now on

        target.refuse.put("s1 create", 1);
        target.refuse.put("s3 create", 5);
        event(jdbi, "share.create.end", "s1", "s1 create", T0);
        event(jdbi, "share.extend.end", "s1", "s1 extend", T0);
        event(jdbi, "share.create.end", "s2", "s2 create", T0);
        event(jdbi, "migration.start", "s2", "not heard", T0);
        event(jdbi, "share.create.end", "s3", "s3 create", T0);
        deliverer.deliverDue();
        assertThat(target.delivered).as("s1's extend waits behind its create").containsExactly("s2 create");

        clock.now = T0.plusMillis(500);
        deliverer.deliverDue();
        assertThat(target.tried).as("nothing before its backoff (1 s)").hasSize(3);

        clock.now = T0.plusSeconds(1);
        deliverer.deliverDue();
        assertThat(target.delivered).containsExactly("s2 create", "s1 create", "s1 extend");

        clock.now = T0.plusSeconds(3); // s3's second try came at 1 s, its third is due 2 s later
        deliverer.deliverDue();
        assertThat(target.tried.stream().filter("s3 create"::equals)).hasSize(3);
        assertThat(jdbi.onDemand(HookDao.class).recent("h", "dead", 10)).singleElement().satisfies(dead -> {
            assertThat(dead.eventType()).isEqualTo("share.create.end");
            assertThat(dead.attempts()).isEqualTo(3);
            assertThat(dead.lastError()).isEqualTo("HTTP 503");
        });

        HookService admin = new HookService(jdbi, List.of(hook("share.*", 3)), clock);
        String deadId = jdbi.onDemand(HookDao.class).recent("h", "dead", 10).get(0).eventId();
        target.refuse.clear();
        admin.redeliver(new org.manilaj.core.RequestContext("admin", "p", true), "h", deadId);
        deliverer.deliverDue();
        assertThat(target.delivered).containsExactly("s2 create", "s1 create", "s1 extend", "s3 create");
        assertThat(admin.list(new org.manilaj.core.RequestContext("admin", "p", true))).singleElement()
                .satisfies(status -> {
                    assertThat(status.delivered()).isEqualTo(4);
                    assertThat(status.dead()).isZero();
                    assertThat(status.pending()).isZero();
                });
        assertThat(target.delivered).doesNotContain("before the hook", "not heard");
    }

    /** An event written first but committed last still reaches the hook (its delivery is in its own transaction). */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anEventCommittedAfterALaterOneIsDelivered(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        Target target = new Target();
        HookDeliverer deliverer = new HookDeliverer(jdbi, List.of(hook("share.*", 3)), spec -> target, Clock.systemUTC());
        deliverer.subscribe();
        try (org.jdbi.v3.core.Handle slow = jdbi.open()) {
            slow.begin();
            Events.record(slow, "share.create.end", "s1", "p", Map.of("name", "slow"), T0); // the lower seq
            event(jdbi, "share.create.end", "s2", "fast", T0);
            deliverer.deliverDue();
            slow.commit();
        }
        deliverer.deliverDue();
        assertThat(target.delivered).containsExactly("fast", "slow");
    }

    /** A receiver that does not answer at all costs one try per run, not one per pending event. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anUnreachableHookIsTriedOncePerRun(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        List<String> tried = new ArrayList<>();
        HookTarget silent = new HookTarget() {
            @Override
            public void deliver(String eventId, String eventType, String payload) {
                tried.add(eventId);
                throw new Refused("not reached: HttpTimeoutException", true);
            }

            @Override
            public Answer ask(String requestId, String request, String payload) {
                throw new AssertionError("a post hook is never asked");
            }
        };
        HookDeliverer deliverer = new HookDeliverer(jdbi, List.of(hook("share.*", 3)), spec -> silent, Clock.systemUTC());
        deliverer.subscribe();
        for (int share = 0; share < 5; share++) {
            event(jdbi, "share.create.end", "s" + share, "e" + share, T0);
        }
        deliverer.deliverDue();
        assertThat(tried).hasSize(1);
    }

    @org.junit.jupiter.api.Test
    void patternsMatchTheirPrefixAndNothingElseAsAWildcard() {
        assertThat(HookDeliverer.likePattern("share.*")).isEqualTo("share.%");
        assertThat(HookDeliverer.likePattern("*")).isEqualTo("%");
        assertThat(HookDeliverer.likePattern("a_b%c!")).isEqualTo("a!_b!%c!!");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aRedeliveryOfWhatIsNotDeadIsRefused(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        HookService admin = new HookService(jdbi, List.of(hook("*", 3)), Clock.systemUTC());
        org.manilaj.core.RequestContext caller = new org.manilaj.core.RequestContext("admin", "p", true);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.redeliver(caller, "h", "no-such-event"))
                .hasMessageContaining("is not a dead delivery");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.redeliver(caller, "other", "x"))
                .hasMessageContaining("could not be found");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.list(new org.manilaj.core.RequestContext("u", "p", false)))
                .hasMessageContaining("Policy");
    }

    @org.junit.jupiter.api.Test
    void theSignatureIsAnHmacOfTimestampAndBody() {
        // known answer: printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 0123456789abcdef
        assertThat(HookSignature.header("0123456789abcdef", 1_700_000_000L, "{\"a\":1}"))
                .isEqualTo("t=1700000000,v1=9eb18f493f8ec135d9eb2dad817c369bb4e9cbfa818657897a7437c1cd8c3a23");
    }
}
