package org.manilaj.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Manila's extra-spec operators, matched against one capability value: {@code <is>}, {@code <in>},
 * {@code <or>}, numeric {@code =} (at least), {@code ==}, {@code !=}, {@code >=}, {@code <=}, and
 * string {@code s==}, {@code s!=}, {@code s<}, {@code s<=}, {@code s>}, {@code s>=}. A value without
 * an operator means equality, compared as booleans when both sides are booleans. A capability that
 * is a list ({@code [True, False]}) matches when any element does.
 */
public final class ExtraSpecMatcher {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private ExtraSpecMatcher() {
    }

    /**
     * @param capability the pool's value as text; a list is written {@code [a, b]}
     * @param requirement the extra spec's value
     */
    public static boolean matches(String capability, String requirement) {
        if (capability == null) {
            return false;
        }
        List<String> elements = listElements(capability);
        if (elements != null) {
            return elements.stream().anyMatch(element -> matches(element, requirement));
        }
        List<String> words = new ArrayList<>(Arrays.asList(WHITESPACE.split(requirement.trim())));
        String operator = words.isEmpty() ? "" : words.get(0);
        if (!isOperator(operator)) {
            Boolean wanted = parseBoolean(requirement);
            Boolean actual = parseBoolean(capability);
            return wanted != null && actual != null ? wanted.equals(actual) : capability.equals(requirement);
        }
        words.remove(0);
        if (operator.equals("<or>")) {
            return orMatches(capability, words);
        }
        if (words.isEmpty()) {
            return false;
        }
        String operand = words.get(0);
        try {
            return switch (operator) {
                case "=", ">=" -> number(capability) >= number(operand);
                case "==" -> number(capability) == number(operand);
                case "!=" -> number(capability) != number(operand);
                case "<=" -> number(capability) <= number(operand);
                case "<in>" -> capability.contains(operand);
                case "<is>" -> {
                    Boolean actual = parseBoolean(capability);
                    Boolean wanted = parseBoolean(operand);
                    yield actual != null && actual.equals(wanted);
                }
                case "s==" -> capability.equals(operand);
                case "s!=" -> !capability.equals(operand);
                case "s<" -> capability.compareTo(operand) < 0;
                case "s<=" -> capability.compareTo(operand) <= 0;
                case "s>" -> capability.compareTo(operand) > 0;
                case "s>=" -> capability.compareTo(operand) >= 0;
                default -> false;
            };
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** {@code <or> a <or> b}: the words alternate between values and the keyword. */
    private static boolean orMatches(String capability, List<String> words) {
        for (int i = 0; i < words.size(); i += 2) {
            if (words.get(i).equals(capability)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOperator(String word) {
        return switch (word) {
            case "=", "==", "!=", ">=", "<=", "<in>", "<is>", "<or>", "s==", "s!=", "s<", "s<=", "s>", "s>=" -> true;
            default -> false;
        };
    }

    private static double number(String value) {
        return Double.parseDouble(value.trim());
    }

    static Boolean parseBoolean(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1", "t", "true", "on", "y", "yes" -> true;
            case "0", "f", "false", "off", "n", "no" -> false;
            default -> null;
        };
    }

    private static List<String> listElements(String value) {
        String trimmed = value.trim();
        if (!trimmed.startsWith("[") || !trimmed.endsWith("]")) {
            return null;
        }
        String inner = trimmed.substring(1, trimmed.length() - 1).trim();
        List<String> elements = new ArrayList<>();
        if (!inner.isEmpty()) {
            for (String element : inner.split(",")) {
                elements.add(element.trim());
            }
        }
        return elements;
    }
}
