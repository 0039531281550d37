package org.manilaj.core.hooks;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.manilaj.core.events.Events;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the pre-hooks about a request before it is carried out ({@code share.create}, {@code share.access.allow}),
 * one after the other, synchronously, each within its timeout: the first refusal refuses it, with the hook's short
 * reason; a hook that gives no answer refuses only when it is configured {@code on_timeout: deny}.
 */
public final class PreHooks {
    private static final Logger LOG = LoggerFactory.getLogger(PreHooks.class);
    public static final PreHooks NONE = new PreHooks(List.of(), HookTarget::of, Clock.systemUTC());

    /** Allowed, or refused with the reason a tenant may read. */
    public record Verdict(boolean allowed, String reason) {
        static final Verdict ALLOWED = new Verdict(true, null);
    }

    private final List<HookSpec> hooks;
    private final Map<String, HookTarget> targets;
    private final Clock clock;

    public PreHooks(List<HookSpec> hooks, Function<HookSpec, HookTarget> targets, Clock clock) {
        this.hooks = hooks.stream().filter(HookSpec::isPre).toList();
        this.targets = this.hooks.stream().collect(Collectors.toMap(HookSpec::name, targets));
        this.clock = clock;
    }

    public PreHooks(List<HookSpec> hooks, Clock clock) {
        this(hooks, HookTarget::of, clock);
    }

    /** Whether any pre-hook is asked about {@code request}. */
    public boolean asks(String request) {
        return hooks.stream().anyMatch(hook -> hook.hears(request));
    }

    public Verdict ask(String request, String shareId, String projectId, Map<String, Object> data) {
        List<HookSpec> asked = hooks.stream().filter(hook -> hook.hears(request)).toList();
        if (asked.isEmpty()) {
            return Verdict.ALLOWED;
        }
        String id = UUID.randomUUID().toString();
        String payload = Events.envelope(id, request, shareId, projectId, data, clock.instant());
        for (HookSpec hook : asked) {
            HookTarget.Answer answer = targets.get(hook.name()).ask(id, request, payload);
            switch (answer.kind()) {
                case ALLOW -> { }
                case DENY -> {
                    LOG.info("pre-hook {} refused {} of share {}: {}", hook.name(), request, shareId, answer.reason());
                    return new Verdict(false, answer.reason() == null ? "refused by hook " + hook.name() : answer.reason());
                }
                case NO_ANSWER -> {
                    LOG.warn("pre-hook {} gave no answer about {} of share {} ({}): {}", hook.name(), request, shareId,
                            answer.reason(), "deny".equals(hook.onTimeout()) ? "refused" : "allowed");
                    if ("deny".equals(hook.onTimeout())) {
                        return new Verdict(false, "hook " + hook.name() + " gave no answer");
                    }
                }
                default -> throw new IllegalStateException("unknown answer " + answer.kind());
            }
        }
        return Verdict.ALLOWED;
    }

}
