package org.manilaj.api.filters;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.manilaj.core.ErrorCategory;
import org.manilaj.core.ManilaException;

/** A Manila microversion such as 2.65, compared numerically (2.9 is less than 2.10). */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
    public static final ApiVersion MIN = new ApiVersion(2, 0);
    /** The newest microversion this service implements (Manila Xena). */
    public static final ApiVersion MAX = new ApiVersion(2, 65);
    private static final Pattern FORMAT = Pattern.compile("^([1-9]\\d*)\\.([1-9]\\d*|0)$");

    /** Parses a header value; {@code null} means the default, the minimum. */
    public static ApiVersion parse(String header) {
        if (header == null || header.isBlank()) {
            return MIN;
        }
        Matcher matcher = FORMAT.matcher(header.trim());
        if (!matcher.matches()) {
            throw ManilaException.badRequest("API Version String " + header
                    + " is of invalid format. Must be of format MajorNum.MinorNum.");
        }
        ApiVersion version;
        try {
            version = new ApiVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)));
        } catch (NumberFormatException e) {
            throw ManilaException.badRequest("API Version String " + header + " is of invalid format.");
        }
        if (version.compareTo(MIN) < 0 || version.compareTo(MAX) > 0) {
            throw new ManilaException(ErrorCategory.NOT_ACCEPTABLE, "Version " + version
                    + " is not supported by the API. Minimum is " + MIN + " and maximum is " + MAX + ".");
        }
        return version;
    }

    public boolean atLeast(int major, int minor) {
        return compareTo(new ApiVersion(major, minor)) >= 0;
    }

    @Override
    public int compareTo(ApiVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
