package org.manilaj.core.hooks;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A configured hook: a {@code webhook} (an HTTP POST of the event, signed with {@code secret}) or an {@code exec} (a
 * command, never through a shell, with the event on its standard input), the event types it hears ({@code *} at the
 * end of a pattern matches any rest), how long one try may take, and how many tries before the delivery is dead.
 * A {@code pre} hook is asked before a create or an access allow is carried out and may refuse it; when it gives no
 * answer in time (or none at all), {@code onTimeout} decides: {@code allow} or {@code deny}. A {@code periodic} hook
 * gets, every {@code interval}, the list of shares with their used space ({@code shares.usage}).
 */
public record HookSpec(String name, String type, List<String> events, URI url, String secret, List<String> command,
                       Duration timeout, int maxAttempts, String phase, String onTimeout, Duration interval) {
    /** The requests a pre-hook may be asked about. */
    public static final List<String> PRE_REQUESTS = List.of("share.create", "share.access.allow");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public HookSpec {
        Objects.requireNonNull(name, "name");
        events = List.copyOf(events);
        command = command == null ? List.of() : List.copyOf(command);
        phase = phase == null ? "post" : phase;
        onTimeout = onTimeout == null ? "allow" : onTimeout;
    }

    /** A hook told of events after the fact. */
    public HookSpec(String name, String type, List<String> events, URI url, String secret, List<String> command,
                    Duration timeout, int maxAttempts) {
        this(name, type, events, url, secret, command, timeout, maxAttempts, "post", "allow", null);
    }

    public boolean isPre() {
        return "pre".equals(phase);
    }

    public boolean isPeriodic() {
        return "periodic".equals(phase);
    }

    /** A hook told of events after the fact (not asked before, not periodic). */
    public boolean isPost() {
        return "post".equals(phase);
    }

    /** What is wrong with it, or null. */
    public String problem() {
        if (!NAME.matcher(name).matches()) {
            return "hook name " + name + ": 1-64 letters, digits, '.', '_' or '-'";
        }
        if (events.isEmpty() && !isPeriodic()) {
            return "hook " + name + ": events must name at least one event type (or \"*\")";
        }
        if (!List.of("pre", "post", "periodic").contains(phase)) {
            return "hook " + name + ": phase must be pre, post or periodic";
        }
        if (isPeriodic() != (interval != null)) {
            return "hook " + name + ": a periodic hook, and only a periodic one, has an interval";
        }
        if (isPeriodic() && interval.compareTo(Duration.ofSeconds(1)) < 0) {
            return "hook " + name + ": interval must be 1s or more";
        }
        if (!"allow".equals(onTimeout) && !"deny".equals(onTimeout)) {
            return "hook " + name + ": on_timeout must be allow or deny";
        }
        if (isPre() && !PRE_REQUESTS.containsAll(events)) {
            return "hook " + name + ": a pre hook hears " + String.join(" and ", PRE_REQUESTS) + " only";
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || maxAttempts < 1) {
            return "hook " + name + ": timeout must be positive and max_attempts at least 1";
        }
        return switch (type) {
            case "webhook" -> url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                    ? "hook " + name + ": a webhook needs an http or https url"
                    : secret == null || secret.length() < 16 ? "hook " + name + ": a webhook needs a secret of 16 characters or more" : null;
            case "exec" -> command.isEmpty() ? "hook " + name + ": an exec hook needs a command (a list: program, arguments)" : null;
            default -> "hook " + name + ": type must be webhook or exec";
        };
    }

    /** Whether the hook hears events of {@code eventType}. */
    public boolean hears(String eventType) {
        return events.stream().anyMatch(pattern -> pattern.endsWith("*")
                ? eventType.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(eventType));
    }

    /** Never the secret (a record would print it). */
    @Override
    public String toString() {
        return "HookSpec[" + name + ", " + type + ", " + phase + ", " + events + "]";
    }
}
