package org.manilaj.driver;

import java.util.Objects;

/** An existing share: its id, the pool that holds it and its current size. */
public record ShareRef(String shareId, String pool, int sizeGib) {
    public ShareRef {
        Objects.requireNonNull(shareId, "shareId");
        Objects.requireNonNull(pool, "pool");
    }
}
