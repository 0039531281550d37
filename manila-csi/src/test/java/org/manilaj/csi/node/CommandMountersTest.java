package org.manilaj.csi.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The argument lists the mounters build (the kernel NFS client itself cannot run on this machine). */
class CommandMountersTest {

    @Test
    void optionsJoinTheDefaultsAndTheCapabilitysFlagsAndEndWithTheAccessMode() {
        assertThat(CommandMounters.options("vers=4.1", List.of("noatime", "ro"), false)).isEqualTo("vers=4.1,noatime,rw");
        assertThat(CommandMounters.options("vers=4.1,rw", List.of(), true)).isEqualTo("vers=4.1,ro");
        assertThat(CommandMounters.options("", List.of(), false)).isEqualTo("rw");
    }

    @Test
    void placeholdersAreFilledOncePerArgumentAndValuesAreNotScannedAgain() {
        List<String> argv = CommandMounters.fill(List.of("mount-helper", "nfs://{server}{path}?x=1", "{target}", "{unknown}"),
                Map.of("{server}", "10.0.0.5", "{path}", "/exports/{target}", "{target}", "/var/lib/pod/vol"));
        assertThat(argv).containsExactly("mount-helper", "nfs://10.0.0.5/exports/{target}?x=1", "/var/lib/pod/vol", "{unknown}");
    }

    @Test
    void exportLocationsSplitIntoServerAndPathAndRefuseOddServers() {
        assertThat(ExportLocation.parse("10.0.0.5:/exports/a b")).isEqualTo(new ExportLocation("10.0.0.5", "/exports/a b"));
        assertThat(ExportLocation.parse("[fd00::1]:/exports/x")).satisfies(location -> {
            assertThat(location.server()).isEqualTo("fd00::1");
            assertThat(location.text()).isEqualTo("[fd00::1]:/exports/x");
        });
        for (String bad : List.of("no-path", ":/x", "host;reboot:/x", "a\nb:/x", "-o:/x")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExportLocation.parse(bad)).as(bad)
                    .isInstanceOf(io.grpc.StatusRuntimeException.class);
        }
    }
}
