package org.manilaj.core.access;

import java.util.Locale;
import java.util.regex.Pattern;
import org.manilaj.core.ManilaException;

/**
 * What an NFS access rule may say: {@code access_type} {@code ip} with an IPv4 or IPv6 address or
 * CIDR, {@code access_level} {@code rw} or {@code ro}. Parsed by hand, never by a resolver, so that a
 * host name is refused instead of looked up.
 */
final class AccessRuleValidator {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private AccessRuleValidator() {
    }

    static String accessType(String type) {
        if (!"ip".equals(type)) {
            throw ManilaException.badRequest("Invalid input received: only access_type 'ip' is supported for NFS shares, not '"
                    + type + "'.");
        }
        return type;
    }

    static String accessLevel(String level) {
        String value = level == null ? "rw" : level.toLowerCase(Locale.ROOT);
        if (!value.equals("rw") && !value.equals("ro")) {
            throw ManilaException.badRequest("Invalid input received: access_level must be 'rw' or 'ro', not '" + level + "'.");
        }
        return value;
    }

    /** An address or CIDR, as given (trimmed); anything else is a 400. */
    static String accessTo(String to) {
        String value = to == null ? "" : to.trim();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        boolean v4 = IPV4.matcher(address).matches();
        boolean v6 = !v4 && isIpv6(address);
        if (!v4 && !v6) {
            throw invalid(to);
        }
        if (slash >= 0) {
            String prefix = value.substring(slash + 1);
            if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > (v4 ? 32 : 128)) {
                throw invalid(to);
            }
        }
        return value;
    }

    /** Full or "::"-compressed IPv6, optionally ending in an embedded IPv4 address. */
    private static boolean isIpv6(String address) {
        if (!address.contains(":")) {
            return false;
        }
        String body = address;
        int lastColon = body.lastIndexOf(':');
        String tail = body.substring(lastColon + 1);
        if (tail.contains(".")) {
            if (!IPV4.matcher(tail).matches()) {
                return false;
            }
            body = body.substring(0, lastColon + 1) + "0:0"; // the IPv4 part counts as two groups
        }
        int compression = body.indexOf("::");
        if (compression < 0) {
            return groups(body).length == 8 && allHex(groups(body));
        }
        if (body.indexOf("::", compression + 1) >= 0) {
            return false; // "::" twice, or ":::"
        }
        String[] left = groups(body.substring(0, compression));
        String[] right = groups(body.substring(compression + 2));
        return left.length + right.length <= 7 && allHex(left) && allHex(right);
    }

    private static String[] groups(String text) {
        return text.isEmpty() ? new String[0] : text.split(":", -1);
    }

    private static boolean allHex(String[] groups) {
        for (String group : groups) {
            if (!HEX_GROUP.matcher(group).matches()) {
                return false;
            }
        }
        return true;
    }

    private static ManilaException invalid(String to) {
        return ManilaException.badRequest("Invalid input received: access_to '" + to
                + "' is not an IPv4 or IPv6 address or CIDR.");
    }
}
