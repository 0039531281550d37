package org.manilaj.csi;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises calls about one key (a volume name, a target path): the CO may retry a call while the first
 * attempt still runs, and the two must not both create a share or both mount. Striped, so memory is fixed.
 */
public final class KeyedLocks {
    private final ReentrantLock[] stripes;

    public KeyedLocks(int stripes) {
        this.stripes = new ReentrantLock[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new ReentrantLock();
        }
    }

    public <T> T with(String key, Supplier<T> work) {
        ReentrantLock lock = stripes[Math.floorMod(key.hashCode(), stripes.length)];
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
