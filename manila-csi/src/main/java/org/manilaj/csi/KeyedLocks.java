package org.manilaj.csi;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises calls about one key (a volume name, a share, a target path): the CO retries a call while the
 * first attempt still runs, and the two must not both create a share or both mount. Calls about other
 * keys never wait (a CreateVolume may wait minutes for its share); a key's lock is dropped once unused.
 */
public final class KeyedLocks {
    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public <T> T with(String key, Supplier<T> work) {
        Entry entry = entries.compute(key, (k, existing) -> {
            Entry used = existing == null ? new Entry() : existing;
            used.users++;
            return used;
        });
        entry.lock.lock();
        try {
            return work.get();
        } finally {
            entry.lock.unlock();
            entries.compute(key, (k, existing) -> --existing.users == 0 ? null : existing);
        }
    }

    /** Keys with a caller inside or waiting (for tests). */
    int size() {
        return entries.size();
    }
}
