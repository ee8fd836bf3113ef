package io.agenttriggers.common.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** IP literals in hosts and allow-list entries, parsed without ever asking DNS. */
final class IpLiterals {

    private static final Pattern CANONICAL_IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private IpLiterals() {
    }

    /** Lower case, without IPv6 brackets and without the trailing dot of a fully qualified name. */
    static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            return h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /**
     * Whether a (normalized) host is meant as a number rather than a name: it has a colon (IPv6) or its last label
     * is all digits or hex ({@code 0x7f}). No top-level domain is numeric, so such a host never reaches DNS as a name.
     */
    static boolean numeric(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        String last = host.substring(host.lastIndexOf('.') + 1);
        return !last.isEmpty() && (last.chars().allMatch(Character::isDigit) || last.startsWith("0x"));
    }

    /**
     * The address of a numeric host, or null when it is not a canonical literal. Only dotted quads of decimal
     * numbers count: the JDK reads {@code 127.1}, {@code 2130706433} and {@code 0177.0.0.1} as addresses too, and
     * other clients read some of them differently (octal), so such forms are refused rather than interpreted.
     */
    static InetAddress parse(String host) {
        if (host.indexOf(':') >= 0) {
            try {
                // Bracketed, the JDK parses the text as an IPv6 literal and never looks it up.
                return InetAddress.getByName("[" + host + "]");
            } catch (UnknownHostException | IllegalArgumentException e) {
                return null;
            }
        }
        if (!CANONICAL_IPV4.matcher(host).matches()) {
            return null;
        }
        String[] parts = host.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }
}
