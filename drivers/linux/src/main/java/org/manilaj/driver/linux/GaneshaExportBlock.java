package org.manilaj.driver.linux;

import java.util.List;
import java.util.regex.Pattern;
import org.manilaj.driver.AccessGrant;

/**
 * Renders a share's Ganesha EXPORT block: nobody may mount by default ({@code Access_Type = None}),
 * then one CLIENT block per access rule. Values are checked again here, because they are written into
 * a configuration file.
 */
final class GaneshaExportBlock {
    private static final Pattern CLIENT = Pattern.compile("[0-9A-Fa-f.:/]{1,64}");
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._\\-]+)+");

    private GaneshaExportBlock() {
    }

    /** The placeholder the host replaces with the export id it claimed. */
    static final String EXPORT_ID = "@EXPORT_ID@";

    static String render(String path, List<AccessGrant> grants, Squash squash) {
        if (!PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("unsafe export path " + path);
        }
        StringBuilder block = new StringBuilder()
                .append("# Managed by Manila-J; rewritten on every access change.\n")
                .append("EXPORT {\n")
                .append("    Export_Id = ").append(EXPORT_ID).append(";\n")
                .append("    Path = \"").append(path).append("\";\n")
                .append("    Pseudo = \"").append(path).append("\";\n")
                .append("    Protocols = 3, 4;\n")
                .append("    Transports = TCP;\n")
                .append("    SecType = sys;\n")
                .append("    Squash = ").append(squash.ganeshaName()).append(";\n")
                .append("    Access_Type = None;\n")
                .append("    FSAL { Name = VFS; }\n");
        for (AccessGrant grant : grants) {
            if (!grant.accessType().equals("ip") || !CLIENT.matcher(grant.accessTo()).matches()) {
                throw new IllegalArgumentException("unsupported access rule " + grant);
            }
            block.append("    CLIENT { Clients = ").append(grant.accessTo()).append("; Access_Type = ")
                    .append(grant.level() == AccessGrant.AccessLevel.RW ? "RW" : "RO").append("; }\n");
        }
        return block.append("}\n").toString();
    }
}
