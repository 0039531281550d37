package org.manilaj.core.config;

import java.util.regex.Pattern;

/** Names that end up in {@code host@backend#pool} strings. */
final class ConfigNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");

    private ConfigNames() {
    }

    static boolean isValid(String name) {
        return NAME.matcher(name).matches();
    }
}
