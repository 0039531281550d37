package org.manilaj.driver.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.BackendDefinition;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareSpec;
import org.manilaj.driver.ShrinkWouldLoseDataException;

/** The Linux driver with btrfs and Ganesha against a real lab host over SSH (needs the lab: system profile). */
class LinuxDriverSystemIT {

    private static ShareDriver driver() {
        return new LinuxShareDriverFactory().create(new BackendDefinition("lab1", TestLab.backendOptions(1),
                List.of(new BackendDefinition.PoolDefinition("pool0", Map.of()))));
    }

    private static String onHost(String... argv) {
        return TestLab.onHost(1, List.of(argv)).stdout();
    }

    @Test
    void aShareIsASubvolumeWithAQuotaExportedByGaneshaAndDeleteLeavesNothing() {
        String id = UUID.randomUUID().toString();
        String subvolume = TestLab.storageRoot(1) + "/" + id;
        String mountPoint = TestLab.exportRoot(1) + "/" + id;
        try (ShareDriver driver = driver()) {
            assertThat(driver.capabilities().enforcesSize()).isTrue();
            assertThat(driver.capabilities().enforcesAccess()).isTrue();
            ShareSpec spec = new ShareSpec(id, "pool0", 1, "NFS", Map.of());
            ShareExport export = driver.create(spec);
            assertThat(driver.create(spec)).isEqualTo(export); // idempotent
            assertThat(export.locations().get(0).path()).isEqualTo(TestLab.address(1) + ":" + mountPoint);
            assertThat(TestLab.onHost(1, List.of("btrfs", "subvolume", "show", subvolume)).succeeded()).isTrue();
            assertThat(TestLab.onHost(1, List.of("mountpoint", "-q", mountPoint)).succeeded()).isTrue();
            assertThat(onHost("btrfs", "qgroup", "show", "-reF", "--raw", subvolume)).contains("1073741824");
            assertThat(onHost("cat", "/etc/ganesha/exports.d/" + id + ".conf")).contains("Access_Type = None")
                    .doesNotContain("CLIENT");

            driver.applyAccess(spec.ref(), List.of(new AccessGrant("ip", "127.0.0.1", AccessGrant.AccessLevel.RW),
                    new AccessGrant("ip", "10.0.0.0/24", AccessGrant.AccessLevel.RO)));
            driver.applyAccess(spec.ref(), List.of(new AccessGrant("ip", "127.0.0.1", AccessGrant.AccessLevel.RW),
                    new AccessGrant("ip", "10.0.0.0/24", AccessGrant.AccessLevel.RO)));
            assertThat(onHost("cat", "/etc/ganesha/exports.d/" + id + ".conf"))
                    .contains("CLIENT { Clients = 127.0.0.1; Access_Type = RW; }")
                    .contains("CLIENT { Clients = 10.0.0.0/24; Access_Type = RO; }");

            driver.extend(spec.ref(), 2);
            assertThat(onHost("btrfs", "qgroup", "show", "-reF", "--raw", subvolume)).contains("2147483648");
            onHost("dd", "if=/dev/zero", "of=" + subvolume + "/data", "bs=1M", "count=20", "status=none");
            assertThatThrownBy(() -> driver.shrink(new ShareSpec(id, "pool0", 2, "NFS", Map.of()).ref(), 0))
                    .isInstanceOf(ShrinkWouldLoseDataException.class);
            driver.shrink(new ShareSpec(id, "pool0", 2, "NFS", Map.of()).ref(), 1);
            assertThat(onHost("btrfs", "qgroup", "show", "-reF", "--raw", subvolume)).contains("1073741824");

            driver.delete(spec.ref());
            driver.delete(spec.ref()); // idempotent
        }
        assertThat(TestLab.onHost(1, List.of("test", "-e", subvolume)).succeeded()).isFalse();
        assertThat(TestLab.onHost(1, List.of("test", "-e", mountPoint)).succeeded()).isFalse();
        assertThat(TestLab.onHost(1, List.of("test", "-e", "/etc/ganesha/exports.d/" + id + ".conf")).succeeded()).isFalse();
        assertThat(onHost("find", "/etc/ganesha/exports.d/.manila-export-ids", "-lname", id)).isEmpty();
        assertThat(onHost("btrfs", "qgroup", "show", TestLab.storageRoot(1).toString())).doesNotContain("<stale>");
    }
}
