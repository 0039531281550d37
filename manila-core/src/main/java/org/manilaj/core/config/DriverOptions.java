package org.manilaj.core.config;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A configuration section whose unknown keys belong to the driver: collected here, handed to the
 * driver, which binds them strictly (and refuses the ones it does not know).
 */
public abstract class DriverOptions {
    private final Map<String, Object> driverOptions = new LinkedHashMap<>();

    @JsonAnySetter
    public void setDriverOption(String key, Object value) {
        driverOptions.put(key, value);
    }

    @JsonAnyGetter
    public Map<String, Object> driverOptions() {
        return driverOptions;
    }
}
