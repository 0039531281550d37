package org.manilaj.core.db;

/** A failure's message as an error column holds it (1,024 characters at most): a driver's can quote a whole script. */
public final class ErrorText {
    private static final int MAX = 1000;

    private ErrorText() {
    }

    public static String of(String message) {
        String text = message == null ? "unknown failure" : message;
        return text.length() > MAX ? text.substring(0, MAX - 3) + "..." : text;
    }
}
