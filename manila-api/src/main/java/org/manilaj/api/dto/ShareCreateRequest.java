package org.manilaj.api.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** {@code POST /v2/shares}: {@code {"share": {...}}}. Keys Manila clients send that we do not use are ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShareCreateRequest(@JsonProperty("share") Body share) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Body(
            @JsonProperty("share_proto") String shareProto,
            @JsonProperty("size") JsonNode size,
            @JsonProperty("name") String name,
            @JsonProperty("display_name") String displayName,
            @JsonProperty("description") String description,
            @JsonProperty("display_description") String displayDescription,
            @JsonProperty("share_type") String shareType,
            @JsonProperty("volume_type") String volumeType,
            @JsonProperty("availability_zone") String availabilityZone,
            @JsonProperty("is_public") JsonNode isPublic,
            @JsonProperty("metadata") Map<String, String> metadata,
            @JsonProperty("snapshot_id") String snapshotId,
            @JsonProperty("share_network_id") String shareNetworkId,
            @JsonProperty("share_group_id") String shareGroupId) {
    }
}
