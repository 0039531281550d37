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

        public Refused(String reason) {
            super(reason);
        }
    }

    static HookTarget of(HookSpec spec) {
        return "webhook".equals(spec.type()) ? new WebhookTarget(spec) : new ExecTarget(spec);
    }
}
