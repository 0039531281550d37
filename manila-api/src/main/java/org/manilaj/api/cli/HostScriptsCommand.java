package org.manilaj.api.cli;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.nio.file.Path;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.manilaj.driver.linux.HostScripts;
import org.manilaj.driver.linux.SshSettings;

/**
 * {@code host-scripts --dir DIR --user USER}: for a storage host reached as a user that is not root
 * ({@code ssh.sudo: true}). Run on the host as root: writes the driver's scripts into DIR and prints
 * the sudoers file that lets USER run exactly those and the driver's few plain commands.
 */
public final class HostScriptsCommand extends Command {

    public HostScriptsCommand() {
        super("host-scripts", "Installs the Linux driver's scripts on this storage host and prints its sudoers file");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--dir").setDefault(SshSettings.DEFAULT_SCRIPT_DIR).help("where the scripts go (ssh.script_dir)");
        subparser.addArgument("--user").required(true).help("the SSH user of the backend (ssh.user)");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        String dir = namespace.getString("dir");
        for (Path written : HostScripts.install(Path.of(dir))) {
            System.err.println("wrote " + written);
        }
        System.out.print(HostScripts.sudoers(namespace.getString("user"), dir));
    }
}
