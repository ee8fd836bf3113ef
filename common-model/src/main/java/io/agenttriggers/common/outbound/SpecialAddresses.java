package io.agenttriggers.common.outbound;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The addresses an outbound call must not reach unless the operator allows them: everything that is not the public
 * internet (loopback, link-local and cloud metadata, private, carrier-grade NAT, unique-local, unspecified,
 * multicast, broadcast and reserved), in IPv4 and IPv6, IPv6 forms that embed an IPv4 address included.
 */
final class SpecialAddresses {

    private SpecialAddresses() {
    }

    /** What the address is ("a loopback address"), or null for a public one. */
    static String kind(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return ipv4(b, 0);
        }
        int embedded = embeddedIpv4Offset(b);
        if (embedded >= 0) {
            String kind = ipv4(b, embedded);
            return kind == null ? null : kind + " (IPv4 " + ipv4Text(b, embedded) + " inside IPv6)";
        }
        return ipv6(b);
    }

    /** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64 or 6to4), or null. */
    static Inet4Address embeddedIpv4(InetAddress address) {
        byte[] b = address.getAddress();
        int offset = b.length == 16 ? embeddedIpv4Offset(b) : -1;
        if (offset < 0) {
            return null;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] { b[offset], b[offset + 1], b[offset + 2],
                    b[offset + 3] });
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static String ipv4(byte[] b, int o) {
        int a = b[o] & 0xff;
        int c = b[o + 1] & 0xff;
        if (a == 0) {
            return "an unspecified address";
        }
        if (a == 127) {
            return "a loopback address";
        }
        if (a == 169 && c == 254) {
            return (b[o + 2] & 0xff) == 169 && (b[o + 3] & 0xff) == 254
                    ? "a link-local address (the cloud metadata service)" : "a link-local address";
        }
        if (a == 10 || (a == 172 && (c & 0xf0) == 16) || (a == 192 && c == 168)) {
            return "a private address";
        }
        if (a == 100 && (c & 0xc0) == 64) {
            return "a carrier-grade NAT address";
        }
        if (a >= 224 && a <= 239) {
            return "a multicast address";
        }
        if (a == 255 && c == 255 && (b[o + 2] & 0xff) == 255 && (b[o + 3] & 0xff) == 255) {
            return "the broadcast address";
        }
        if (a >= 240) {
            return "a reserved address";
        }
        return null;
    }

    private static String ipv6(byte[] b) {
        if (zero(b, 0, 16)) {
            return "an unspecified address";
        }
        if (zero(b, 0, 15) && b[15] == 1) {
            return "a loopback address";
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return "a link-local address";
        }
        if (first == 0xfe && (second & 0xc0) == 0xc0) {
            return "a site-local address";
        }
        if ((first & 0xfe) == 0xfc) {
            return "a unique-local address";
        }
        if (first == 0xff) {
            return "a multicast address";
        }
        return null;
    }

    /**
     * Where an IPv6 address keeps an IPv4 one: {@code ::ffff:0:0/96} (mapped), {@code ::/96} (compatible, {@code ::}
     * and {@code ::1} aside), {@code 64:ff9b::/96} (NAT64) at byte 12; {@code 2002::/16} (6to4) at byte 2. -1 if none.
     */
    private static int embeddedIpv4Offset(byte[] b) {
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return 12;
        }
        if (zero(b, 0, 12) && !(zero(b, 12, 15) && (b[15] == 0 || b[15] == 1))) {
            return 12;
        }
        if (b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
            return 12;
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return 2;
        }
        return -1;
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String ipv4Text(byte[] b, int o) {
        return (b[o] & 0xff) + "." + (b[o + 1] & 0xff) + "." + (b[o + 2] & 0xff) + "." + (b[o + 3] & 0xff);
    }
}
