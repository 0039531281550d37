package org.manilaj.bench.load;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes N available shares straight into a migrated database, as the service would have left them after N
 * creates: each with its export location, on the configured pool, of the default type, the pool's allocation and
 * every project's quota usage matching them. Ten projects; the one the bench reads holds 91 % of the shares.
 * The shares' directories are not made: reads never touch the backend.
 */
final class ShareSeeder {
    static final String POOL = "manila@local#pool0";
    private static final int SIZE_GB = 1;
    private static final int BATCH = 1000;
    private static final int OTHER_PROJECTS = 9;

    private ShareSeeder() {
    }

    /** Shares per project, the bench's project first. */
    static Map<String, Integer> spread(String project, int shares) {
        Map<String, Integer> byProject = new LinkedHashMap<>();
        int each = shares / 100;
        byProject.put(project, shares - OTHER_PROJECTS * each);
        for (int i = 1; i <= OTHER_PROJECTS; i++) {
            byProject.put(String.format("%032x", i), each);
        }
        return byProject;
    }

    static Map<String, Integer> seed(Connection connection, String project, int shares, Path work) throws SQLException {
        connection.setAutoCommit(false);
        String typeId = defaultType(connection);
        Map<String, Integer> byProject = spread(project, shares);
        // one second apart, the newest now: the order the API lists them in is the order they were made
        Instant newest = Instant.now();
        int made = 0;
        try (PreparedStatement share = connection.prepareStatement("INSERT INTO shares (id, project_id, user_id, name,"
                + " size_gb, share_proto, share_type_id, status, host, availability_zone, is_public, access_rules_status,"
                + " created_at, updated_at, reserved_gb) VALUES (?, ?, 'admin', ?, ?, 'NFS', ?, 'available', ?, 'nova',"
                + " FALSE, 'active', ?, ?, ?)");
             PreparedStatement export = connection.prepareStatement("INSERT INTO export_locations (id, share_id, path,"
                     + " preferred, is_admin_only, created_at) VALUES (?, ?, ?, TRUE, FALSE, ?)")) {
            for (Map.Entry<String, Integer> owner : byProject.entrySet()) {
                for (int i = 0; i < owner.getValue(); i++, made++) {
                    String id = UUID.randomUUID().toString();
                    Timestamp created = Timestamp.from(newest.minusSeconds(shares - made));
                    share.setString(1, id);
                    share.setString(2, owner.getKey());
                    share.setString(3, "share-" + made);
                    share.setInt(4, SIZE_GB);
                    share.setString(5, typeId);
                    share.setString(6, POOL);
                    share.setTimestamp(7, created);
                    share.setTimestamp(8, created);
                    share.setInt(9, SIZE_GB);
                    share.addBatch();
                    export.setString(1, UUID.randomUUID().toString());
                    export.setString(2, id);
                    export.setString(3, "127.0.0.1:" + work.resolve("var/shares").resolve(id));
                    export.setTimestamp(4, created);
                    export.addBatch();
                    if ((made + 1) % BATCH == 0) {
                        share.executeBatch();
                        export.executeBatch(); // after its shares: the foreign key
                    }
                }
            }
            share.executeBatch();
            export.executeBatch();
        }
        books(connection, byProject, shares);
        connection.commit();
        return byProject;
    }

    /** Quota usage and limits of each project, and the pool's allocation: what the creates would have booked. */
    private static void books(Connection connection, Map<String, Integer> byProject, int shares) throws SQLException {
        try (PreparedStatement usage = connection.prepareStatement(
                "INSERT INTO quota_usages (project_id, resource, in_use) VALUES (?, ?, ?)");
             PreparedStatement limit = connection.prepareStatement(
                     "INSERT INTO quota_limits (project_id, resource, hard_limit) VALUES (?, ?, -1)")) {
            for (Map.Entry<String, Integer> owner : byProject.entrySet()) {
                Map<String, Long> used = Map.of("shares", (long) owner.getValue(), "gigabytes",
                        (long) owner.getValue() * SIZE_GB, "share_replicas", 0L, "replica_gigabytes", 0L);
                for (Map.Entry<String, Long> resource : used.entrySet()) {
                    usage.setString(1, owner.getKey());
                    usage.setString(2, resource.getKey());
                    usage.setLong(3, resource.getValue());
                    usage.addBatch();
                }
                // such numbers of shares are only reached with the project's limits lifted
                for (String resource : new String[] {"shares", "gigabytes"}) {
                    limit.setString(1, owner.getKey());
                    limit.setString(2, resource);
                    limit.addBatch();
                }
            }
            usage.executeBatch();
            limit.executeBatch();
        }
        try (Statement statement = connection.createStatement()) {
            int pools = statement.executeUpdate("UPDATE pools SET allocated_capacity_gb = allocated_capacity_gb + "
                    + (long) shares * SIZE_GB + " WHERE name = '" + POOL + "'");
            if (pools != 1) {
                throw new SQLException("the service did not register pool " + POOL);
            }
        }
    }

    private static String defaultType(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet type = statement.executeQuery("SELECT id FROM share_types WHERE name = 'default'")) {
            if (!type.next()) {
                throw new SQLException("no share type named default");
            }
            return type.getString(1);
        }
    }
}
