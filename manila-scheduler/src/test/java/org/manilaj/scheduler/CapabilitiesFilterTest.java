package org.manilaj.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapabilitiesFilterTest {

    @ParameterizedTest(name = "capability {0} vs requirement {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // plain values: equality, as booleans when both are booleans
        "NFS | NFS | true",
        "NFS | CIFS | false",
        "False | false | true",
        "True | False | false",
        "[True, False] | False | true",
        "[True] | False | false",
        // <is>
        "True | <is> True | true",
        "False | <is> True | false",
        "yes | <is> true | true",
        // numeric
        "100 | = 50 | true",
        "100 | = 150 | false",
        "100 | == 100.0 | true",
        "100 | != 100 | false",
        "100 | >= 100 | true",
        "100 | <= 99 | false",
        "abc | >= 1 | false",
        // strings
        "gold | s== gold | true",
        "gold | s!= gold | false",
        "abc | s< abd | true",
        "abc | s<= abc | true",
        "abd | s> abc | true",
        "abc | s>= abd | false",
        // <in> and <or>
        "NFS_CIFS | <in> CIFS | true",
        "NFS | <in> CIFS | false",
        "lz4 | <or> zstd <or> lz4 | true",
        "gzip | <or> zstd <or> lz4 | false",
        "[zstd, gzip] | <or> gzip | true",
    })
    void matchesManilasOperators(String capability, String requirement, boolean expected) {
        assertThat(ExtraSpecMatcher.matches(capability, requirement)).isEqualTo(expected);
    }

    private static PoolState pool(Map<String, String> capabilities) {
        return new PoolState("h@b#p", 100.0, 100.0, 0, 0, 0, true, 20, "nova", capabilities);
    }

    @Test
    void scopesKeysAsManilaDoes() {
        CapabilitiesFilter filter = new CapabilitiesFilter();
        PoolState pool = pool(Map.of("share_backend_name", "LVM", "driver_handles_share_servers", "False",
                "thin_provisioning", "True"));
        assertThat(filter.passes(PlacementRequest.create(1, Map.of("share_backend_name", "LVM",
                "driver_handles_share_servers", "false"), null), pool)).isTrue();
        assertThat(filter.passes(PlacementRequest.create(1, Map.of("capabilities:share_backend_name", "LVM"), null), pool))
                .isTrue();
        assertThat(filter.passes(PlacementRequest.create(1, Map.of("share_backend_name", "OTHER"), null), pool)).isFalse();
        // vendor scope is the driver's business; availability_zones belongs to the zone filter
        assertThat(filter.passes(PlacementRequest.create(1, Map.of("zfsonlinux:compression", "gzip",
                "provisioning:max_share_size", "10", "availability_zones", "elsewhere"), null), pool)).isTrue();
        // a capability the pool does not report fails
        assertThat(filter.passes(PlacementRequest.create(1, Map.of("snapshot_support", "<is> True"), null), pool)).isFalse();
    }

    @Test
    void theZoneFilterHonoursTheShareTypesZones() {
        AvailabilityZoneFilter filter = new AvailabilityZoneFilter();
        PoolState nova = pool(Map.of());
        assertThat(filter.passes(PlacementRequest.create(1, Map.of("availability_zones", "east, nova"), null), nova)).isTrue();
        assertThat(filter.passes(PlacementRequest.create(1, Map.of("availability_zones", "east"), null), nova)).isFalse();
        assertThat(filter.passes(PlacementRequest.create(1, Map.of(), "nova"), nova)).isTrue();
        assertThat(filter.passes(PlacementRequest.create(1, Map.of(), "east"), nova)).isFalse();
    }
}
