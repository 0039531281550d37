package org.manilaj.api.cli;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.nio.file.Path;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.manilaj.driver.linux.HostScripts;
import org.manilaj.driver.linux.SshSettings;

/**
 * {@code host-scripts --dir DIR --user USER --storage-root ROOT --export-root EXPORTS}: for a storage host
 * reached as a user that is not root ({@code ssh.sudo: true}, btrfs layout). Run on the host as root:
 * writes the driver's scripts into DIR, each fenced to those directories, and prints the sudoers file
 * that lets USER run exactly those and the driver's few plain commands.
 */
public final class HostScriptsCommand extends Command {

    public HostScriptsCommand() {
        super("host-scripts", "Installs the Linux driver's scripts on this storage host and prints its sudoers file");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--dir").setDefault(SshSettings.DEFAULT_SCRIPT_DIR).help("where the scripts go (ssh.script_dir)");
        subparser.addArgument("--user").required(true).help("the SSH user of the backend (ssh.user)");
        subparser.addArgument("--storage-root").required(true).action(net.sourceforge.argparse4j.impl.Arguments.append())
                .help("a storage_root of the backend's pools (repeat for each); shares may live only there");
        subparser.addArgument("--export-root").required(true).help("the backend's export_root");
        subparser.addArgument("--ganesha-exports-dir").setDefault("/etc/ganesha/exports.d").help("ganesha_exports_dir");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        String dir = namespace.getString("dir");
        HostScripts.Confinement fence = new HostScripts.Confinement(namespace.getList("storage_root"),
                namespace.getString("export_root"), namespace.getString("ganesha_exports_dir"));
        for (Path written : HostScripts.install(Path.of(dir), fence)) {
            System.err.println("wrote " + written);
        }
        System.out.print(HostScripts.sudoers(namespace.getString("user"), dir));
    }
}
