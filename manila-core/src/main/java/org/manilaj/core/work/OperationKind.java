package org.manilaj.core.work;

import java.util.Arrays;
import java.util.Locale;

/** What a share's pending operation does; each kind is run by its own {@link ShareOperation}. */
public enum OperationKind {
    CREATE, DELETE, EXTEND, SHRINK, ACCESS_SYNC;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OperationKind fromWireName(String name) {
        return Arrays.stream(values()).filter(kind -> kind.wireName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown operation kind " + name));
    }
}
