package org.manilaj.core.share;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Maps {@link ShareDao#COLUMNS} by hand: share rows are read on every API request, and JDBI's
 * reflective constructor mapper re-derives its plan for each result set.
 */
public final class ShareRowMapper implements RowMapper<Share> {

    @Override
    public Share map(ResultSet rs, StatementContext ctx) throws SQLException {
        int pending = rs.getInt("pending_size_gb");
        Integer pendingSize = rs.wasNull() ? null : pending;
        return new Share(
                rs.getString("id"),
                rs.getString("project_id"),
                rs.getString("user_id"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getInt("size_gb"),
                rs.getString("share_proto"),
                rs.getString("share_type_id"),
                rs.getString("share_type_name"),
                rs.getString("status"),
                rs.getString("host"),
                rs.getString("availability_zone"),
                rs.getBoolean("is_public"),
                rs.getString("task_state"),
                rs.getString("access_rules_status"),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")),
                rs.getInt("reserved_gb"),
                pendingSize);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
