package org.manilaj.api.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code PUT /v2/shares/{id}}: {@code {"share": {"name"|"display_name", "description"|"display_description", "is_public"}}}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShareUpdateRequest(@JsonProperty("share") Body share) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Body(
            @JsonProperty("name") String name,
            @JsonProperty("display_name") String displayName,
            @JsonProperty("description") String description,
            @JsonProperty("display_description") String displayDescription,
            @JsonProperty("is_public") JsonNode isPublic) {
    }
}
