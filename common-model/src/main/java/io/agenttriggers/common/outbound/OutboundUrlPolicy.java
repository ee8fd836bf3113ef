package io.agenttriggers.common.outbound;

import io.agenttriggers.common.problem.Problem.FieldError;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

/**
 * The one rule for URLs that tenants or events make us call (fallbacks, the agent runtime): {@code http} or
 * {@code https}, a host, no user info, at most {@code maxUrlLength} characters, and no destination off the public
 * internet (loopback, link-local and cloud metadata, private, carrier-grade NAT, unique-local, unspecified,
 * multicast, broadcast, {@code localhost} names) unless {@code triggers.outbound.allow} lists it.
 *
 * <p>{@link #check(String)} needs no DNS and suits registration; a name can still resolve anywhere, so the caller
 * also runs {@link #checkResolved(URI)} (blocking) right before each call.
 */
public final class OutboundUrlPolicy {

    /** How to get past a refusal, appended to every refused destination. */
    static final String HINT = "outbound calls to private, loopback and link-local addresses are refused unless "
            + "triggers.outbound.allow lists them";

    /** Names that mean this machine without asking DNS (RFC 6761 and the usual hosts-file entries). */
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "localhost.localdomain", "ip6-localhost",
            "ip6-loopback");

    private static final InetAddress IPV4_LOOPBACK = IpLiterals.parse("127.0.0.1");

    /** Resolves a host name to all of its addresses; blocking. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final AllowList allow;
    private final int maxUrlLength;
    private final Resolver resolver;

    private OutboundUrlPolicy(AllowList allow, int maxUrlLength, Resolver resolver) {
        this.allow = allow;
        this.maxUrlLength = maxUrlLength;
        this.resolver = resolver;
    }

    /**
     * @param allow        allow-list entries: host names, {@code *.suffix} names, IP literals, CIDR blocks
     * @param maxUrlLength longest URL accepted
     * @throws IllegalArgumentException naming the first entry that is none of those
     */
    public static OutboundUrlPolicy of(List<String> allow, int maxUrlLength) {
        return new OutboundUrlPolicy(AllowList.parse(allow), maxUrlLength, InetAddress::getAllByName);
    }

    public static OutboundUrlPolicy of(OutboundConfig config) {
        return of(config.allow().orElse(List.of()), config.maxUrlLength());
    }

    /** The same policy resolving names through {@code resolver} (tests use a fixed table instead of DNS). */
    public OutboundUrlPolicy withResolver(Resolver resolver) {
        return new OutboundUrlPolicy(allow, maxUrlLength, resolver);
    }

    /**
     * Checks the URL as written, without DNS: its shape, and its host when that is an IP literal or a
     * {@code localhost} name.
     *
     * @return the URI to call
     * @throws RefusedUrlException saying why not
     */
    public URI check(String url) {
        if (url == null || url.isBlank()) {
            throw new RefusedUrlException("is required");
        }
        if (url.length() > maxUrlLength) {
            throw new RefusedUrlException("must be at most " + maxUrlLength + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RefusedUrlException("is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new RefusedUrlException("must be an http or https URL");
        }
        // The raw authority too: with an '@' in it, URI may give up on the host and report no user info at all.
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw new RefusedUrlException("must not carry credentials (user info before '@')");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new RefusedUrlException("must name a host (letters, digits, '-' and '.', or an IP address)");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new RefusedUrlException("has a port outside 1-65535");
        }
        checkHost(IpLiterals.normalize(host));
        return uri;
    }

    /** {@link #check(String)} for a registration: a refusal becomes a field error of {@code field}. */
    public void check(String field, String url, List<FieldError> errors) {
        try {
            check(url);
        } catch (RefusedUrlException e) {
            errors.add(new FieldError(field, e.getMessage()));
        }
    }

    /**
     * Resolves the host of a {@link #check checked} URI and refuses it when any of its addresses is refused (a name
     * with one public and one private address is a way in). A host allowed by name is not looked up. Blocking: DNS;
     * never call it on an event-loop thread.
     *
     * @throws RefusedUrlException   naming the address and what it is
     * @throws UnknownHostException when the name does not resolve
     */
    public void checkResolved(URI uri) throws UnknownHostException {
        String host = IpLiterals.normalize(uri.getHost());
        if (allow.allowsName(host)) {
            return;
        }
        for (InetAddress address : resolver.resolve(uri.getHost())) {
            String kind = refusal(address);
            if (kind != null) {
                throw new RefusedUrlException("has host " + host + ", which resolves to " + address.getHostAddress()
                        + ", " + kind + "; " + HINT);
            }
        }
    }

    /** What a refused address is ("a private address"), or null when it may be called (public or allowed). */
    public String refusal(InetAddress address) {
        String kind = SpecialAddresses.kind(address);
        return kind == null || allow.allowsAddress(address) ? null : kind;
    }

    private void checkHost(String host) {
        if (allow.allowsName(host)) {
            return;
        }
        if (IpLiterals.numeric(host)) {
            InetAddress literal = IpLiterals.parse(host);
            if (literal == null) {
                throw new RefusedUrlException("has host " + host + ", which is not a canonical IP address (write "
                        + "IPv4 as four decimal numbers, e.g. 93.184.216.34)");
            }
            String kind = refusal(literal);
            if (kind != null) {
                throw new RefusedUrlException("points at " + literal.getHostAddress() + ", " + kind + "; " + HINT);
            }
            return;
        }
        if ((LOOPBACK_NAMES.contains(host) || host.endsWith(".localhost")) && refusal(IPV4_LOOPBACK) != null) {
            throw new RefusedUrlException("points at " + host + ", a loopback name; " + HINT);
        }
    }
}
