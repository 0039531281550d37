package org.manilaj.core;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Enums stored and shown by Manila's lower-case names, looked up without a scan (rows are read by the thousand). */
public final class WireNames<E extends Enum<E>> {
    private final Map<String, E> byName;

    private WireNames(Map<String, E> byName) {
        this.byName = byName;
    }

    public static <E extends Enum<E>> WireNames<E> of(E[] values) {
        return new WireNames<>(java.util.Arrays.stream(values)
                .collect(Collectors.toUnmodifiableMap(WireNames::wireName, Function.identity())));
    }

    public static String wireName(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    public Optional<E> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
    }
}
