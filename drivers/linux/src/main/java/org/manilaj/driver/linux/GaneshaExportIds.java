package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ganesha needs a numeric Export_Id (1..65535) per export, unique on the host. Ids are claimed on the
 * host itself, as symbolic links {@code <dir>/<id> -> <shareId>}: creating a link is atomic, so two
 * service nodes creating shares on one host at once can never take the same id.
 */
final class GaneshaExportIds {
    private static final int FIRST = 100;
    private static final int LAST = 65_535;

    private final RemoteHost host;
    private final Duration timeout;
    private final String directory;

    GaneshaExportIds(RemoteHost host, Duration timeout, String directory) {
        this.host = host;
        this.timeout = timeout;
        this.directory = directory;
    }

    /** The share's id, claiming the smallest free one if it has none yet. */
    int claim(String shareId) {
        for (int attempt = 0; attempt < 20; attempt++) {
            Map<Integer, String> claims = claims();
            for (Map.Entry<Integer, String> claim : claims.entrySet()) {
                if (claim.getValue().equals(shareId)) {
                    return claim.getKey();
                }
            }
            int candidate = FIRST;
            while (claims.containsKey(candidate)) {
                candidate++;
            }
            if (candidate > LAST) {
                throw new CommandFailedException(host.describe() + ": no free Ganesha export id");
            }
            if (host.run(List.of("ln", "-s", "--", shareId, directory + "/" + candidate), timeout).succeeded()) {
                return candidate;
            }
            // another node took it in between: look again
        }
        throw new CommandFailedException(host.describe() + ": could not claim a Ganesha export id for " + shareId);
    }

    /** The share's id, or null when it has none. */
    Integer find(String shareId) {
        return claims().entrySet().stream().filter(claim -> claim.getValue().equals(shareId))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    void release(String shareId, int exportId) {
        host.check(List.of("rm", "-f", "--", directory + "/" + exportId), timeout);
    }

    private Map<Integer, String> claims() {
        host.check(List.of("mkdir", "-p", "--", directory), timeout);
        String out = host.check(List.of("find", directory, "-mindepth", "1", "-maxdepth", "1", "-type", "l",
                "-printf", "%f %l\\n"), timeout).stdout();
        Map<Integer, String> claims = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length == 2 && fields[0].matches("\\d{1,5}")) {
                claims.put(Integer.parseInt(fields[0]), fields[1]);
            }
        }
        return claims;
    }
}
