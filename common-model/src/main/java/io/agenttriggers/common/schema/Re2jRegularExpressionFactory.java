package io.agenttriggers.common.schema;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;

/**
 * Compiles {@code pattern}, {@code patternProperties} and {@code format: regex} with RE2J, whose matching time is
 * linear in the input, so a tenant's pattern such as {@code ^(a+)+$} cannot pin a thread. RE2J lacks look-around
 * and backreferences; such patterns are refused when the schema is compiled.
 */
public final class Re2jRegularExpressionFactory implements RegularExpressionFactory {

    public static final Re2jRegularExpressionFactory INSTANCE = new Re2jRegularExpressionFactory();

    /** Longest pattern text accepted. */
    public static final int MAX_PATTERN_CHARS = 1_000;
    /** Largest product of nested counted repetitions, as RE2 has it: {@code (a{10}){100}} is the most. */
    public static final long MAX_REPETITION = 1_000;
    /** Largest compiled program (instructions), for long runs of repetitions side by side. */
    public static final int MAX_PROGRAM_SIZE = 20_000;

    private Re2jRegularExpressionFactory() {
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        if (regex.length() > MAX_PATTERN_CHARS) {
            throw new SchemaRefusedException("pattern '" + abbreviate(regex) + "' is longer than " + MAX_PATTERN_CHARS
                    + " characters");
        }
        if (RegexRepetition.maxProduct(regex) > MAX_REPETITION) {
            throw new SchemaRefusedException("pattern '" + abbreviate(regex) + "' repeats more than "
                    + MAX_REPETITION + " times once nested counts are multiplied");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(translate(regex));
        } catch (PatternSyntaxException e) {
            throw new SchemaRefusedException("pattern '" + abbreviate(regex) + "' is not supported: "
                    + e.getDescription() + " (look-around and backreferences are not available)");
        }
        if (pattern.programSize() > MAX_PROGRAM_SIZE) {
            throw new SchemaRefusedException("pattern '" + abbreviate(regex) + "' is too complex");
        }
        // JSON Schema patterns are not anchored (ECMA-262 semantics): find, not matches.
        return value -> pattern.matcher(value).find();
    }

    /** ECMA-262 writes a code unit as {@code \}{@code uXXXX}; RE2 spells it {@code \x{XXXX}}. */
    static String translate(String regex) {
        StringBuilder out = new StringBuilder(regex.length());
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char next = regex.charAt(i + 1);
                if (next == 'u' && i + 5 < regex.length() && isHex(regex, i + 2, i + 6)) {
                    out.append("\\x{").append(regex, i + 2, i + 6).append('}');
                    i += 5;
                } else {
                    out.append(c).append(next);
                    i++;
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String regex) {
        return regex.length() <= 80 ? regex : regex.substring(0, 77) + "...";
    }
}
