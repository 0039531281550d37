package org.manilaj.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import net.sourceforge.argparse4j.inf.Namespace;

/** {@code pools}: every pool's zone, size, provisioned GiB, overcommit ratio and utilisation with a bar. */
public final class PoolsCommand extends AdminCommand {

    public PoolsCommand() {
        super("pools", "Shows every pool's utilisation (admin; talks to a running service)");
    }

    @Override
    void run(AdminClient client, Namespace namespace, boolean json) throws Exception {
        JsonNode pools = client.get("/admin/pools/utilization");
        if (json) {
            printJson(pools);
            return;
        }
        TextTable table = new TextTable("POOL", "ZONE", "TOTAL GiB", "PROVISIONED GiB", "RATIO", "UTILISATION");
        for (JsonNode pool : pools.path("pools")) {
            table.row(pool.path("name").asText() + (pool.path("usable").asBoolean() ? "" : " (disabled or down)"),
                    pool.path("availability_zone").asText(), pool.path("total_capacity_gb").asLong(),
                    pool.path("provisioned_capacity_gb").asLong(), pool.path("thin_provisioning").asBoolean()
                            ? pool.path("max_over_subscription_ratio").asDouble() + "x" : "thick",
                    bar(pool.path("utilization").asDouble()));
        }
        System.out.print(table);
    }
}
