package org.manilaj.api.cli;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import java.time.Clock;
import net.sourceforge.argparse4j.inf.Namespace;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.manilaj.api.DatabaseMigrator;
import org.manilaj.api.ManilaConfiguration;
import org.manilaj.core.auth.TokenService;

/** Base of the token commands: opens the configured database (migrated first) and hands them a {@link TokenService}. */
abstract class TokenCommand extends ConfiguredCommand<ManilaConfiguration> {

    TokenCommand(String name, String description) {
        super(name, description);
    }

    @Override
    protected void run(Bootstrap<ManilaConfiguration> bootstrap, Namespace namespace, ManilaConfiguration configuration)
            throws Exception {
        DatabaseMigrator.migrate(configuration.getDatabase());
        ManagedDataSource dataSource = configuration.getDatabase().build(new MetricRegistry(), "token-command");
        try {
            Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
            run(new TokenService(jdbi, Clock.systemUTC()), namespace);
        } finally {
            dataSource.stop();
        }
    }

    abstract void run(TokenService tokens, Namespace namespace) throws Exception;
}
