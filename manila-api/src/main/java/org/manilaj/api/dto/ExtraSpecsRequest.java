package org.manilaj.api.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** {@code POST /v2/types/{id}/extra_specs}: {@code {"extra_specs": {...}}}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExtraSpecsRequest(@JsonProperty("extra_specs") Map<String, Object> extraSpecs) {
}
