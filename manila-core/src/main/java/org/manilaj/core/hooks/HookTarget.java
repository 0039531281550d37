package org.manilaj.core.hooks;

/** Where a hook sends an event: one try, which either returns (delivered) or throws {@link Refused}. */
public interface HookTarget {

    void deliver(String eventId, String eventType, String payload);

    /** A pre-hook's answer to a request. */
    Answer ask(String requestId, String request, String payload);

    /** Allowed, refused with a reason the hook gave (null for none), or no answer (a timeout, an error). */
    record Answer(Kind kind, String reason) {
        public enum Kind { ALLOW, DENY, NO_ANSWER }

        static final Answer ALLOW = new Answer(Kind.ALLOW, null);

        static Answer deny(String reason) {
            return new Answer(Kind.DENY, reason);
        }

        static Answer noAnswer(String why) {
            return new Answer(Kind.NO_ANSWER, why);
        }
    }

    /** A try that did not deliver: a short reason (a status code, an exit code, a timeout), never the target's output. */
    final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean unreachable;

        public Refused(String reason) {
            this(reason, false);
        }

        /** @param unreachable no answer at all (not reached, timed out): every other try now would cost as much */
        public Refused(String reason, boolean unreachable) {
            super(reason);
            this.unreachable = unreachable;
        }

        public boolean unreachable() {
            return unreachable;
        }
    }

    static HookTarget of(HookSpec spec) {
        return "webhook".equals(spec.type()) ? new WebhookTarget(spec) : new ExecTarget(spec);
    }
}
