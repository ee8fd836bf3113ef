package io.agenttriggers.common.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agenttriggers.common.problem.Problem.FieldError;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundUrlPolicyTest {

    static final OutboundUrlPolicy DEFAULT = OutboundUrlPolicy.of(List.of(), 2048);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://127.0.0.1/x                | a loopback address",
        "http://127.255.255.254:8080/      | a loopback address",
        "http://169.254.169.254/latest/meta-data | a link-local address (the cloud metadata service)",
        "http://169.254.10.20/             | a link-local address",
        "http://10.0.0.1/                  | a private address",
        "http://172.16.0.1/                | a private address",
        "http://172.31.255.255/            | a private address",
        "http://192.168.1.1/               | a private address",
        "http://100.64.0.1/                | a carrier-grade NAT address",
        "http://100.127.255.255/           | a carrier-grade NAT address",
        "http://0.0.0.0/                   | an unspecified address",
        "http://0.1.2.3/                   | an unspecified address",
        "http://224.0.0.1/                 | a multicast address",
        "http://239.255.255.250/           | a multicast address",
        "http://255.255.255.255/           | the broadcast address",
        "http://240.0.0.1/                 | a reserved address",
        "http://[::1]/                     | a loopback address",
        "http://[::]/                      | an unspecified address",
        "http://[fe80::1]/                 | a link-local address",
        "http://[febf:ffff::1]/            | a link-local address",
        "http://[fec0::1]/                 | a site-local address",
        "http://[fc00::1]/                 | a unique-local address",
        "http://[fd00:ec2::254]/           | a unique-local address",
        "http://[ff02::1]/                 | a multicast address",
        "http://[::ffff:127.0.0.1]/        | a loopback address",
        "http://[::ffff:7f00:1]/           | a loopback address",
        "http://[::ffff:a9fe:a9fe]/        | a link-local address (the cloud metadata service)",
        "http://[::ffff:10.1.2.3]/         | a private address",
        "http://[::127.0.0.1]/             | a loopback address (IPv4 127.0.0.1 inside IPv6)",
        "http://[64:ff9b::a9fe:a9fe]/      | a link-local address (the cloud metadata service) (IPv4 169.254.169.254 inside IPv6)",
        "http://[2002:c0a8:101::1]/        | a private address (IPv4 192.168.1.1 inside IPv6)",
    })
    void refusesEveryAddressOffThePublicInternet(String url, String kind) {
        assertThatThrownBy(() -> DEFAULT.check(url)).isInstanceOf(RefusedUrlException.class)
                .hasMessageContaining(", " + kind + "; ")
                .hasMessageEndingWith("refused unless triggers.outbound.allow lists them");
    }

    @ParameterizedTest
    @ValueSource(strings = { "http://93.184.216.34/", "https://172.15.255.255/", "http://172.32.0.1/",
        "http://100.63.255.255/", "http://100.128.0.1/", "http://169.253.1.1/", "http://192.167.1.1/",
        "http://11.0.0.1/", "http://223.255.255.255/", "http://[2606:4700:4700::1111]/", "http://[::ffff:8.8.8.8]/",
        "https://example.com", "HTTPS://Api.Example.COM:8443/v1/run?x=1#frag", "http://localhost.example.com/",
        "http://10.example.com/" })
    void acceptsPublicDestinationsAndNames(String url) {
        assertThat(DEFAULT.check(url)).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = { "http://localhost/", "http://LOCALHOST./", "http://localhost:8090/x",
        "http://app.localhost/", "http://a.b.localhost./", "http://localhost.localdomain/", "http://ip6-localhost/",
        "http://ip6-loopback/" })
    void refusesLocalhostNamesWithoutAskingDns(String url) {
        assertThatThrownBy(() -> DEFAULT.check(url)).hasMessageContaining("a loopback name; outbound calls");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ftp://example.com/x                 | must be an http or https URL",
        "file:///etc/passwd                  | must be an http or https URL",
        "gopher://example.com:70/            | must be an http or https URL",
        "example.com/hook                    | must be an http or https URL",
        "//example.com/hook                  | must be an http or https URL",
        "http://user:secret@example.com/     | must not carry credentials",
        "http://user@example.com/            | must not carry credentials",
        "http://a@127.0.0.1@example.com/     | must not carry credentials",
        "http:///path                        | must name a host",
        "http://:80/                         | must name a host",
        "http://my_host/                     | must name a host",
        "http://127.1/                       | must name a host",
        "http://0x7f.0.0.1/                  | must name a host",
        "http://2130706433/                  | which is not a canonical IP address",
        "http://0177.0.0.1/                  | which is not a canonical IP address",
        "http://010.0.0.1/                   | which is not a canonical IP address",
        "http://[fe80::1%25eth0]/            | which is not a canonical IP address",
        "http://example.com:99999/           | has a port outside 1-65535",
        "http://exa mple.com/                | is not a valid URL",
    })
    void refusesMalformedUrls(String url, String why) {
        assertThatThrownBy(() -> DEFAULT.check(url)).isInstanceOf(RefusedUrlException.class).hasMessageContaining(why);
    }

    @Test
    void boundsTheLengthAndRequiresAUrl() {
        String base = "https://example.com/";
        String longest = base + "a".repeat(2048 - base.length());
        assertThatCode(() -> DEFAULT.check(longest)).doesNotThrowAnyException();
        assertThatThrownBy(() -> DEFAULT.check(longest + "a")).hasMessage("must be at most 2048 characters");
        assertThatThrownBy(() -> OutboundUrlPolicy.of(List.of(), 30).check(base + "0123456789a"))
                .hasMessage("must be at most 30 characters");
        assertThatThrownBy(() -> DEFAULT.check(null)).hasMessage("is required");
        assertThatThrownBy(() -> DEFAULT.check("  ")).hasMessage("is required");
    }

    @Test
    void aRegistrationGetsTheRefusalAsAFieldErrorNamingTheField() {
        List<FieldError> errors = new ArrayList<>();
        DEFAULT.check("options.fallback.url", "http://169.254.169.254/latest/meta-data", errors);
        DEFAULT.check("options.fallback.url", "https://hooks.example.com/fallback", errors);
        assertThat(errors).containsExactly(new FieldError("options.fallback.url", "points at 169.254.169.254, a "
                + "link-local address (the cloud metadata service); outbound calls to private, loopback and "
                + "link-local addresses are refused unless triggers.outbound.allow lists them"));
    }

    @Test
    void theAllowListLetsChosenHostsAddressesAndBlocksThrough() {
        OutboundUrlPolicy policy = OutboundUrlPolicy.of(List.of(" 127.0.0.1", "10.0.0.0/8", "Runtime.Internal.",
                "*.svc.cluster.local", "[fd00::7]", "fd12::/16", ""), 2048);
        assertThatCode(() -> policy.check("http://127.0.0.1:8090/v1/runs")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("http://[::ffff:127.0.0.1]/")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("http://10.200.3.4/")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("http://runtime.internal/")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("http://[fd00::7]/")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("http://[fd12:1::1]/")).doesNotThrowAnyException();
        // localhost means 127.0.0.1 here, so allowing that address admits the name at registration.
        assertThatCode(() -> policy.check("http://localhost:8090/")).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.check("http://127.0.0.2/")).hasMessageContaining("a loopback address");
        assertThatThrownBy(() -> policy.check("http://[::1]/")).hasMessageContaining("a loopback address");
        assertThatThrownBy(() -> policy.check("http://169.254.169.254/")).hasMessageContaining("link-local");
        assertThatThrownBy(() -> policy.check("http://192.168.0.1/")).hasMessageContaining("a private address");
        assertThatThrownBy(() -> policy.check("http://[fd00::8]/")).hasMessageContaining("a unique-local address");
        assertThatThrownBy(() -> policy.check("http://user@runtime.internal/")).hasMessageContaining("credentials");
        assertThatThrownBy(() -> policy.check("ftp://runtime.internal/")).hasMessageContaining("http or https");
    }

    @Test
    void aHostAllowedByNameIsTrustedWhateverItResolvesTo() throws Exception {
        OutboundUrlPolicy policy = OutboundUrlPolicy.of(List.of("runtime.internal", "*.svc.cluster.local"), 2048)
                .withResolver(table(Map.of("other.internal", "10.1.2.3")));
        policy.checkResolved(policy.check("http://runtime.internal:8080/"));
        policy.checkResolved(policy.check("http://agent.triggers.svc.cluster.local/"));
        assertThatThrownBy(() -> policy.checkResolved(policy.check("http://other.internal/")))
                .hasMessageContaining("10.1.2.3, a private address");
        // The suffix needs its dot: a look-alike domain is not inside it.
        assertThatThrownBy(() -> policy.checkResolved(URI.create("http://evilsvc.cluster.local/")))
                .isInstanceOf(UnknownHostException.class);
    }

    @Test
    void aNameIsRefusedWhenAnyOfItsAddressesIsRefused() throws Exception {
        OutboundUrlPolicy policy = DEFAULT.withResolver(table(Map.of(
                "public.example", "93.184.216.34,2606:2800:220:1:248:1893:25c8:1946",
                "rebind.example", "93.184.216.34,169.254.169.254",
                "v6.example", "2606:4700::1,::1",
                "mapped.example", "::ffff:10.0.0.1")));
        policy.checkResolved(policy.check("https://public.example/hook"));
        assertThatThrownBy(() -> policy.checkResolved(policy.check("http://rebind.example/")))
                .isInstanceOf(RefusedUrlException.class)
                .hasMessage("has host rebind.example, which resolves to 169.254.169.254, a link-local address (the "
                        + "cloud metadata service); outbound calls to private, loopback and link-local addresses "
                        + "are refused unless triggers.outbound.allow lists them");
        assertThatThrownBy(() -> policy.checkResolved(policy.check("http://v6.example/")))
                .hasMessageContaining("a loopback address");
        assertThatThrownBy(() -> policy.checkResolved(policy.check("http://mapped.example/")))
                .hasMessageContaining("10.0.0.1, a private address");
        assertThatThrownBy(() -> policy.checkResolved(URI.create("http://nowhere.example/")))
                .isInstanceOf(UnknownHostException.class);
    }

    @Test
    void aResolvedAddressInAnAllowedBlockPasses() throws Exception {
        OutboundUrlPolicy policy = OutboundUrlPolicy.of(List.of("10.0.0.0/8"), 2048)
                .withResolver(table(Map.of("runtime.internal", "10.9.8.7", "mixed.internal", "10.9.8.7,192.168.0.1")));
        policy.checkResolved(policy.check("http://runtime.internal/"));
        assertThatThrownBy(() -> policy.checkResolved(policy.check("http://mixed.internal/")))
                .hasMessageContaining("192.168.0.1, a private address");
    }

    @ParameterizedTest
    @ValueSource(strings = { "10.0.0.0/33", "10.0.0.0/x", "10.0.0.0/", "0177.0.0.1", "10.1", "not a host!",
        "fd00::/129", "http://example.com", "*." })
    void aMalformedAllowListEntryIsRefusedWithItsText(String entry) {
        assertThatThrownBy(() -> OutboundUrlPolicy.of(List.of(entry), 2048))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("triggers.outbound.allow entry '" + entry + "' ");
    }

    @Property(tries = 300)
    void everyAddressIn10Slash8IsRefusedUnlessAllowed(@ForAll @IntRange(max = 255) int b,
            @ForAll @IntRange(max = 255) int c, @ForAll @IntRange(max = 255) int d) throws Exception {
        String address = "10." + b + "." + c + "." + d;
        String url = "http://" + address + ":8080/hook";
        assertThatThrownBy(() -> DEFAULT.check(url)).hasMessageContaining(address + ", a private address");
        assertThatThrownBy(() -> DEFAULT.check("http://[::ffff:" + address + "]/"))
                .hasMessageContaining("a private address");
        OutboundUrlPolicy resolving = DEFAULT.withResolver(table(Map.of("tenant.example", address)));
        assertThatThrownBy(() -> resolving.checkResolved(resolving.check("http://tenant.example/")))
                .hasMessageContaining("resolves to " + address + ", a private address");

        OutboundUrlPolicy allowed = OutboundUrlPolicy.of(List.of("10.0.0.0/8"), 2048)
                .withResolver(table(Map.of("tenant.example", address)));
        assertThat(allowed.check(url)).isEqualTo(URI.create(url));
        allowed.checkResolved(allowed.check("http://tenant.example/"));
    }

    @Property(tries = 300)
    void aBlockAdmitsExactlyItsAddresses(@ForAll @IntRange(min = 8, max = 32) int prefix,
            @ForAll @IntRange(max = 255) int b, @ForAll @IntRange(max = 255) int c,
            @ForAll @IntRange(max = 255) int d) throws Exception {
        OutboundUrlPolicy policy = OutboundUrlPolicy.of(List.of("10.20.30.40/" + prefix), 2048);
        long block = 0x0a141e28L >>> (32 - prefix);
        long candidate = (10L << 24 | (long) b << 16 | (long) c << 8 | d);
        boolean inside = candidate >>> (32 - prefix) == block;
        InetAddress address = InetAddress.getByAddress(new byte[] { 10, (byte) b, (byte) c, (byte) d });
        assertThat(policy.refusal(address)).isEqualTo(inside ? null : "a private address");
    }

    @Property(tries = 300)
    void anIpv4AddressAndItsIpv4MappedFormGetTheSameAnswer(@ForAll @IntRange(max = 255) int a,
            @ForAll @IntRange(max = 255) int b, @ForAll @IntRange(max = 255) int c,
            @ForAll @IntRange(max = 255) int d) throws Exception {
        String v4 = a + "." + b + "." + c + "." + d;
        String asIs = outcome("http://" + v4 + "/");
        String mapped = outcome("http://[::ffff:" + v4 + "]/");
        assertThat(mapped).isEqualTo(asIs);
    }

    private static String outcome(String url) {
        try {
            DEFAULT.check(url);
            return "accepted";
        } catch (RefusedUrlException e) {
            return e.getMessage().substring(e.getMessage().indexOf(", ") + 2);
        }
    }

    /** A resolver answering from a fixed table (comma-separated literals); anything else does not resolve. */
    static OutboundUrlPolicy.Resolver table(Map<String, String> hosts) {
        return host -> {
            String addresses = hosts.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            List<InetAddress> out = new ArrayList<>();
            for (String a : addresses.split(",")) {
                out.add(InetAddress.getByName(a.contains(":") ? "[" + a + "]" : a));
            }
            return out.toArray(InetAddress[]::new);
        };
    }
}
