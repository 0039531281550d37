package org.manilaj.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Manila's extra-spec operators, matched against one capability value: {@code <is>}, {@code <in>},
 * {@code <or>}, numeric {@code =} (at least), {@code ==}, {@code !=}, {@code >=}, {@code <=}, and
 * string {@code s==}, {@code s!=}, {@code s<}, {@code s<=}, {@code s>}, {@code s>=}. A value without
 * an operator means equality, compared as booleans when both sides are booleans. A capability that
 * is a list ({@code [True, False]}) matches when any element does.
 *
 * <p>An instance is one requirement parsed once ({@link #of}), so that a placement tests it against
 * thousands of pools without splitting or parsing it again for each.
 */
public final class ExtraSpecMatcher {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private enum Operator { EQUALS, AT_LEAST, NUM_EQ, NUM_NE, NUM_LE, IN, IS, OR, S_EQ, S_NE, S_LT, S_LE, S_GT, S_GE, NEVER }

    private final Operator operator;
    private final String requirement;
    /** The first word after the operator. */
    private final String operand;
    /** The operand of a numeric operator as a number (an operand that is none makes the matcher {@code NEVER}). */
    private final double number;
    /** The requirement (no operator) or the operand ({@code <is>}) as a boolean, or {@code null}. */
    private final Boolean bool;
    /** The values of {@code <or> a <or> b}. */
    private final List<String> alternatives;

    private ExtraSpecMatcher(Operator operator, String requirement, String operand, double number, Boolean bool,
                             List<String> alternatives) {
        this.operator = operator;
        this.requirement = requirement;
        this.operand = operand;
        this.number = number;
        this.bool = bool;
        this.alternatives = alternatives;
    }

    /**
     * @param capability the pool's value as text; a list is written {@code [a, b]}
     * @param requirement the extra spec's value
     */
    public static boolean matches(String capability, String requirement) {
        return capability != null && of(requirement).test(capability);
    }

    /** Parses the extra spec's value once. */
    public static ExtraSpecMatcher of(String requirement) {
        String[] words = WHITESPACE.split(requirement.trim());
        Operator operator = operator(words[0]);
        if (operator == null) {
            return new ExtraSpecMatcher(Operator.EQUALS, requirement, null, 0, parseBoolean(requirement), List.of());
        }
        if (operator == Operator.OR) {
            List<String> alternatives = new ArrayList<>();
            for (int i = 1; i < words.length; i += 2) {
                alternatives.add(words[i]);
            }
            return new ExtraSpecMatcher(operator, requirement, null, 0, null, List.copyOf(alternatives));
        }
        if (words.length < 2) {
            return new ExtraSpecMatcher(Operator.NEVER, requirement, null, 0, null, List.of());
        }
        String operand = words[1];
        double number = 0;
        if (isNumeric(operator)) {
            try {
                number = number(operand);
            } catch (NumberFormatException e) {
                return new ExtraSpecMatcher(Operator.NEVER, requirement, operand, 0, null, List.of());
            }
        }
        Boolean bool = operator == Operator.IS ? parseBoolean(operand) : null;
        if (operator == Operator.IS && bool == null) {
            operator = Operator.NEVER;
        }
        return new ExtraSpecMatcher(operator, requirement, operand, number, bool, List.of());
    }

    /** @param capability the pool's value as text, or {@code null} when it lacks the capability */
    public boolean test(String capability) {
        if (capability == null) {
            return false;
        }
        List<String> elements = listElements(capability);
        if (elements == null) {
            return testOne(capability);
        }
        for (String element : elements) {
            if (test(element)) {
                return true;
            }
        }
        return false;
    }

    private boolean testOne(String capability) {
        return switch (operator) {
            case EQUALS -> {
                Boolean actual = bool == null ? null : parseBoolean(capability);
                yield actual != null ? bool.equals(actual) : capability.equals(requirement);
            }
            case AT_LEAST, NUM_EQ, NUM_NE, NUM_LE -> compareNumber(capability);
            case IN -> capability.contains(operand);
            case IS -> bool.equals(parseBoolean(capability));
            case OR -> alternatives.contains(capability);
            case S_EQ -> capability.equals(operand);
            case S_NE -> !capability.equals(operand);
            case S_LT -> capability.compareTo(operand) < 0;
            case S_LE -> capability.compareTo(operand) <= 0;
            case S_GT -> capability.compareTo(operand) > 0;
            case S_GE -> capability.compareTo(operand) >= 0;
            case NEVER -> false;
        };
    }

    private boolean compareNumber(String capability) {
        double actual;
        try {
            actual = number(capability);
        } catch (NumberFormatException e) {
            return false;
        }
        return switch (operator) {
            case AT_LEAST -> actual >= number;
            case NUM_EQ -> actual == number;
            case NUM_NE -> actual != number;
            default -> actual <= number;
        };
    }

    private static Operator operator(String word) {
        return switch (word) {
            case "=", ">=" -> Operator.AT_LEAST;
            case "==" -> Operator.NUM_EQ;
            case "!=" -> Operator.NUM_NE;
            case "<=" -> Operator.NUM_LE;
            case "<in>" -> Operator.IN;
            case "<is>" -> Operator.IS;
            case "<or>" -> Operator.OR;
            case "s==" -> Operator.S_EQ;
            case "s!=" -> Operator.S_NE;
            case "s<" -> Operator.S_LT;
            case "s<=" -> Operator.S_LE;
            case "s>" -> Operator.S_GT;
            case "s>=" -> Operator.S_GE;
            default -> null;
        };
    }

    private static boolean isNumeric(Operator operator) {
        return operator == Operator.AT_LEAST || operator == Operator.NUM_EQ || operator == Operator.NUM_NE
                || operator == Operator.NUM_LE;
    }

    private static double number(String value) {
        return Double.parseDouble(value.trim());
    }

    /**
     * Manila's strict boolean words ({@code 1 t true on y yes}, {@code 0 f false off n no}), any case, trimmed.
     * Folds A-Z only instead of lower-casing a copy (no other character lower-cases to a letter of these
     * words): a pool's value is parsed on every placement.
     */
    static Boolean parseBoolean(String value) {
        int start = trimmedStart(value);
        int end = trimmedEnd(value, start);
        if (start == end) {
            return null;
        }
        return switch (folded(value.charAt(start))) {
            case '1' -> rest(value, start, end, "") ? Boolean.TRUE : null;
            case '0' -> rest(value, start, end, "") ? Boolean.FALSE : null;
            case 't' -> rest(value, start, end, "") || rest(value, start, end, "rue") ? Boolean.TRUE : null;
            case 'y' -> rest(value, start, end, "") || rest(value, start, end, "es") ? Boolean.TRUE : null;
            case 'o' -> rest(value, start, end, "n") ? Boolean.TRUE : rest(value, start, end, "ff") ? Boolean.FALSE : null;
            case 'f' -> rest(value, start, end, "") || rest(value, start, end, "alse") ? Boolean.FALSE : null;
            case 'n' -> rest(value, start, end, "") || rest(value, start, end, "o") ? Boolean.FALSE : null;
            default -> null;
        };
    }

    /** Whether the word in {@code value[start, end)} continues after its first character with {@code tail}. */
    private static boolean rest(String value, int start, int end, String tail) {
        if (end - start - 1 != tail.length()) {
            return false;
        }
        for (int i = 0; i < tail.length(); i++) {
            if (folded(value.charAt(start + 1 + i)) != tail.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Where {@code value} starts once trimmed as {@link String#trim} does, without making the trimmed copy. */
    private static int trimmedStart(String value) {
        int start = 0;
        while (start < value.length() && value.charAt(start) <= ' ') {
            start++;
        }
        return start;
    }

    /** Where {@code value} ends once trimmed, given where it starts. */
    private static int trimmedEnd(String value, int start) {
        int end = value.length();
        while (end > start && value.charAt(end - 1) <= ' ') {
            end--;
        }
        return end;
    }

    private static char folded(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** The elements of {@code [a, b]}, or {@code null} (without allocating) when the value is no list. */
    private static List<String> listElements(String value) {
        int start = trimmedStart(value);
        int end = trimmedEnd(value, start);
        if (end - start < 2 || value.charAt(start) != '[' || value.charAt(end - 1) != ']') {
            return null;
        }
        String inner = value.substring(start + 1, end - 1).trim();
        List<String> elements = new ArrayList<>();
        if (!inner.isEmpty()) {
            for (String element : inner.split(",")) {
                elements.add(element.trim());
            }
        }
        return elements;
    }
}
