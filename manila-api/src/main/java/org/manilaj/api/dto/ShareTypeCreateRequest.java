package org.manilaj.api.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** {@code POST /v2/types}: {@code {"share_type": {...}}} (older clients send {@code volume_type}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShareTypeCreateRequest(@JsonProperty("share_type") Body shareType, @JsonProperty("volume_type") Body volumeType) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Body(
            @JsonProperty("name") String name,
            @JsonProperty("description") String description,
            @JsonProperty("share_type_access:is_public") JsonNode isPublic,
            @JsonProperty("os-share-type-access:is_public") JsonNode legacyIsPublic,
            @JsonProperty("extra_specs") Map<String, Object> extraSpecs) {
    }
}
