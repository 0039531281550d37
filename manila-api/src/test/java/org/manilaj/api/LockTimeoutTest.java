package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import org.junit.jupiter.api.Test;

/** Which start-up reconcile failures the service survives: lock waits only, never a bug or a schema error. */
class LockTimeoutTest {
    @Test
    void onlyLockWaitsThatTimedOutAreTolerated() {
        assertThat(ManilaApplication.isLockTimeout(new IllegalStateException(new SQLTimeoutException("lock", "HYT00")))).isTrue();
        assertThat(ManilaApplication.isLockTimeout(new RuntimeException(new SQLException("concurrent update", "90131")))).isTrue();
        assertThat(ManilaApplication.isLockTimeout(new RuntimeException(new SQLException("lock not available", "55P03")))).isTrue();
        assertThat(ManilaApplication.isLockTimeout(new RuntimeException(new SQLException("no such table", "42S02")))).isFalse();
        assertThat(ManilaApplication.isLockTimeout(new NullPointerException())).isFalse();
    }
}
