package org.manilaj.api;

import io.dropwizard.testing.ConfigOverride;
import java.util.ArrayList;
import java.util.List;
import org.manilaj.driver.linux.TestLab;

/** {@code test-lab.yml}'s two backends pointed at the lab's key and pinned host keys, plus a test's own overrides. */
final class LabOverrides {
    private LabOverrides() {
    }

    static ConfigOverride[] with(ConfigOverride... more) {
        List<ConfigOverride> overrides = new ArrayList<>();
        for (int backend = 0; backend < 2; backend++) {
            overrides.add(ConfigOverride.config("backends[" + backend + "].ssh.private_key_file", TestLab.privateKey().toString()));
            overrides.add(ConfigOverride.config("backends[" + backend + "].ssh.known_hosts_file", TestLab.knownHosts().toString()));
        }
        overrides.addAll(List.of(more));
        return overrides.toArray(ConfigOverride[]::new);
    }
}
