package org.manilaj.api;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The service on {@code test-replication.yml}'s four local backends (alpha in zone-a; beta, gamma in zone-b, all
 * three in replication domain dr1; loner in zone-b outside it), with its database and storage under {@code var}.
 */
final class FourLocalBackends {
    private FourLocalBackends() {
    }

    static DropwizardAppExtension<ManilaConfiguration> app(Path var, ConfigOverride... more) {
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("database.url", "jdbc:h2:file:" + var.resolve("db/manila")),
                ConfigOverride.config("backends[0].storage_root", var.resolve("alpha").toString()),
                ConfigOverride.config("backends[1].storage_root", var.resolve("beta").toString()),
                ConfigOverride.config("backends[2].storage_root", var.resolve("gamma").toString()),
                ConfigOverride.config("backends[3].storage_root", var.resolve("loner").toString())));
        overrides.addAll(List.of(more));
        return new DropwizardAppExtension<>(ManilaApplication.class, ResourceHelpers.resourceFilePath("test-replication.yml"),
                overrides.toArray(ConfigOverride[]::new));
    }
}
