package io.agenttriggers.common.outbound;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's exceptions to the policy ({@code triggers.outbound.allow}): host names, {@code *.suffix} names, IP
 * literals and CIDR blocks. A listed name is trusted whatever it resolves to; a listed block admits its addresses
 * whichever name led there.
 */
final class AllowList {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]([a-z0-9_.-]{0,252})");

    private final Set<String> names = new HashSet<>();
    private final List<String> suffixes = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();

    /** An address block: the network's bytes and the prefix length. */
    private record Block(byte[] network, int prefix) {
        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    /** Parses the entries; an entry that is neither a name, an address nor a block fails with its text. */
    static AllowList parse(List<String> entries) {
        AllowList list = new AllowList();
        for (String raw : entries) {
            String entry = raw == null ? "" : raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            String e = IpLiterals.normalize(entry);
            int slash = e.indexOf('/');
            if (slash >= 0) {
                list.blocks.add(block(entry, IpLiterals.normalize(e.substring(0, slash)), e.substring(slash + 1)));
            } else if (IpLiterals.numeric(e)) {
                InetAddress a = address(entry, e);
                list.blocks.add(new Block(a.getAddress(), a.getAddress().length * 8));
            } else if (e.startsWith("*.") && NAME.matcher(e.substring(2)).matches()) {
                list.suffixes.add(e.substring(1));
            } else if (NAME.matcher(e).matches()) {
                list.names.add(e);
            } else {
                throw invalid(entry, "is not a host name, an IP address or a CIDR block");
            }
        }
        return list;
    }

    /** Whether the (normalized) host name is listed by name or by suffix. */
    boolean allowsName(String host) {
        return names.contains(host) || suffixes.stream().anyMatch(host::endsWith);
    }

    /** Whether the address, or the IPv4 address it embeds, lies in a listed block. */
    boolean allowsAddress(InetAddress address) {
        Inet4Address embedded = SpecialAddresses.embeddedIpv4(address);
        return blocks.stream().anyMatch(b -> b.contains(address) || (embedded != null && b.contains(embedded)));
    }

    private static Block block(String entry, String network, String prefixText) {
        InetAddress a = address(entry, network);
        int bits = a.getAddress().length * 8;
        int prefix;
        try {
            prefix = Integer.parseInt(prefixText);
        } catch (NumberFormatException ex) {
            throw invalid(entry, "has no prefix length after /");
        }
        if (prefix < 0 || prefix > bits) {
            throw invalid(entry, "has a prefix length outside 0-" + bits);
        }
        return new Block(a.getAddress(), prefix);
    }

    private static InetAddress address(String entry, String text) {
        InetAddress a = IpLiterals.numeric(text) ? IpLiterals.parse(text) : null;
        if (a == null) {
            throw invalid(entry, "is not a canonical IP address");
        }
        return a;
    }

    private static IllegalArgumentException invalid(String entry, String why) {
        return new IllegalArgumentException("triggers.outbound.allow entry '" + entry + "' " + why);
    }
}
