package org.manilaj.core.hooks;

/** Where a hook sends an event: one try, which either returns (delivered) or throws {@link Refused}. */
public interface HookTarget {

    void deliver(String eventId, String eventType, String payload);

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
