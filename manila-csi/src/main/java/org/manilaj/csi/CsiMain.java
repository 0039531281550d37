package org.manilaj.csi;

/** {@code java -jar manila-csi.jar --help}. */
public final class CsiMain {
    private CsiMain() {
    }

    public static void main(String[] args) throws Exception {
        if (PluginOptions.wantsHelp(args)) {
            System.out.println(PluginOptions.HELP);
            return;
        }
        PluginOptions options;
        try {
            options = PluginOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("manila-csi: " + e.getMessage());
            System.exit(2);
            return;
        }
        CsiServer server = CsiServer.start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "csi-shutdown"));
        server.awaitTermination();
    }
}
