package io.agenttriggers.common.schema;

/**
 * The largest product of nested counted repetitions in a pattern: {@code (a{10}){20}} is 200. RE2J expands counted
 * repetitions while compiling, so {@code ((a{1000}){1000}){1000}} would take memory and time before any match; RE2
 * itself caps the product at 1000, RE2J does not. A rough parse is enough: escapes and character classes are
 * skipped, groups nest, and only {@code {n}}, {@code {n,}} and {@code {n,m}} count.
 */
final class RegexRepetition {

    private final String regex;
    private int pos;

    private RegexRepetition(String regex) {
        this.regex = regex;
    }

    static long maxProduct(String regex) {
        RegexRepetition parser = new RegexRepetition(regex);
        long max = 1;
        while (parser.pos < regex.length()) {
            max = Math.max(max, parser.sequence());
            parser.pos++; // an unbalanced ')': RE2J will refuse the pattern anyway
        }
        return max;
    }

    /** Up to the ')' that closes the current group (or the end); the largest product inside. */
    private long sequence() {
        long max = 1;
        while (pos < regex.length() && regex.charAt(pos) != ')') {
            long atom = atom();
            max = Math.max(max, saturate(atom * repeat()));
        }
        return max;
    }

    private long atom() {
        char c = regex.charAt(pos++);
        if (c == '\\') {
            pos++;
        } else if (c == '[') {
            if (pos < regex.length() && regex.charAt(pos) == '^') {
                pos++;
            }
            if (pos < regex.length() && regex.charAt(pos) == ']') {
                pos++;
            }
            while (pos < regex.length() && regex.charAt(pos) != ']') {
                pos += regex.charAt(pos) == '\\' ? 2 : 1;
            }
            pos++;
        } else if (c == '(') {
            long inner = sequence();
            pos++;
            return inner;
        }
        return 1;
    }

    /** The count of a {@code {n,m}} at the current position (consumed), or 1. */
    private long repeat() {
        if (pos >= regex.length() || regex.charAt(pos) != '{') {
            return 1;
        }
        int close = regex.indexOf('}', pos);
        if (close < 0) {
            return 1;
        }
        String body = regex.substring(pos + 1, close);
        if (!body.matches("\\d{1,9}(,\\d{0,9})?")) {
            return 1; // a literal brace
        }
        pos = close + 1;
        long count = 1;
        for (String part : body.split(",")) {
            count = Math.max(count, Long.parseLong(part));
        }
        return count;
    }

    private static long saturate(long value) {
        return value < 0 || value > 1_000_000_000L ? 1_000_000_000L : value;
    }
}
