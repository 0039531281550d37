package org.manilaj.core.pool;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.manilaj.core.ManilaException;

/**
 * Filters of the pools API: {@code pool}, {@code host} and {@code backend} are regular expressions
 * matched from the start of the name part (as Manila's {@code re.match}); {@code capabilities} must
 * all be equal; {@code shareType} (a type's id or name) keeps the pools its extra specs accept.
 */
public record PoolQuery(Pattern pool, Pattern host, Pattern backend, Map<String, String> capabilities, String shareType) {
    public PoolQuery {
        capabilities = capabilities == null ? Map.of() : Map.copyOf(capabilities);
    }

    public static Pattern regex(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw ManilaException.badRequest("Invalid " + name + " filter: not a regular expression.");
        }
    }

    public static boolean matches(Pattern pattern, String value) {
        return pattern == null || pattern.matcher(value).lookingAt();
    }
}
