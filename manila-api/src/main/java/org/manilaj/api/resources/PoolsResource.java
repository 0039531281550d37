package org.manilaj.api.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.core.ManilaException;
import org.manilaj.core.pool.PoolQuery;
import org.manilaj.core.pool.PoolReport;
import org.manilaj.core.pool.PoolReports;
import org.manilaj.core.types.ShareTypeService;

/** Manila's scheduler stats: the pools, their capacity and capabilities ({@code /v2/scheduler-stats/pools}). */
@Path("/v2/scheduler-stats/pools")
@Produces(MediaType.APPLICATION_JSON)
public final class PoolsResource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PoolReports pools;
    private final ShareTypeService shareTypes;

    public PoolsResource(PoolReports pools, ShareTypeService shareTypes) {
        this.pools = pools;
        this.shareTypes = shareTypes;
    }

    /** Names only: {@code name} ({@code host@backend#pool}), {@code host}, {@code backend}, {@code pool}. */
    @GET
    public Map<String, Object> list(@Context ContainerRequestContext request, @QueryParam("pool") String pool,
                                    @QueryParam("host") String host, @QueryParam("backend") String backend,
                                    @QueryParam("capabilities") String capabilities, @QueryParam("share_type") String shareType) {
        return Map.of("pools", query(request, pool, host, backend, capabilities, shareType).stream()
                .map(report -> view(report, false)).toList());
    }

    /** With each pool's capabilities: capacity, allocation, overcommit settings, backend state. */
    @GET
    @Path("detail")
    public Map<String, Object> detail(@Context ContainerRequestContext request, @QueryParam("pool") String pool,
                                      @QueryParam("host") String host, @QueryParam("backend") String backend,
                                      @QueryParam("capabilities") String capabilities,
                                      @QueryParam("share_type") String shareType) {
        return Map.of("pools", query(request, pool, host, backend, capabilities, shareType).stream()
                .map(report -> view(report, true)).toList());
    }

    private List<PoolReport> query(ContainerRequestContext request, String pool, String host, String backend,
                                   String capabilities, String shareType) {
        if (!RequestAttributes.context(request).admin()) {
            throw ManilaException.forbidden("Policy doesn't allow scheduler_stats:pools:index to be performed.");
        }
        // share_type is a filter from 2.23; older requests ignore it, as Manila does.
        String typeFilter = RequestAttributes.version(request).atLeast(2, 23) ? shareType : null;
        PoolQuery query = new PoolQuery(PoolQuery.regex("pool", pool), PoolQuery.regex("host", host),
                PoolQuery.regex("backend", backend), parseCapabilities(capabilities), typeFilter);
        return pools.list(query, shareTypes);
    }

    /** {@code capabilities} is a JSON object, e.g. {@code {"thin_provisioning": true}}. */
    private static Map<String, String> parseCapabilities(String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, Object> parsed = JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
            if (parsed == null) {
                throw ManilaException.badRequest("Invalid capabilities filter: expected a JSON object.");
            }
            Map<String, String> capabilities = new LinkedHashMap<>();
            parsed.forEach((key, value) -> capabilities.put(key, String.valueOf(value)));
            return capabilities;
        } catch (JsonProcessingException e) {
            throw ManilaException.badRequest("Invalid capabilities filter: expected a JSON object.");
        }
    }

    private static Map<String, Object> view(PoolReport report, boolean detail) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", report.name());
        view.put("host", report.host());
        view.put("backend", report.backend());
        view.put("pool", report.pool());
        if (detail) {
            view.put("capabilities", report.capabilities());
        }
        return view;
    }
}
