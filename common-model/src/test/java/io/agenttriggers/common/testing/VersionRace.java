package io.agenttriggers.common.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Optimistic concurrency of one versioned resource under racing writers, over a long history: each round reads the
 * resource's {@code ETag}, then {@code racers} replacements carrying that {@code If-Match} go out at once. Exactly one
 * may win (2xx, a new {@code ETag}); every other one answers 412 as a problem; the resource then shows the winner's
 * change and the winner's {@code ETag}; and the round's {@code ETag}, now stale, is refused. {@code rounds} rounds
 * take the resource past that many versions, so version numbers of every size the test reaches are covered.
 */
public final class VersionRace {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private final URI resource;
    private final String authorization;

    private VersionRace(URI resource, String authorization) {
        this.resource = resource;
        this.authorization = authorization;
    }

    /** {@code resource}: the resource's URL (GET reads it, PUT replaces it). */
    public static VersionRace on(URI resource, String authorization) {
        return new VersionRace(resource, authorization);
    }

    /**
     * Runs the race. {@code body(round, racer)} is racer's replacement in that round; it must hold
     * {@code marker(round, racer)} somewhere the resource shows it back.
     */
    public void assertOneWinnerPerVersion(int rounds, int racers, BiFunction<Integer, Integer, String> body) {
        for (int round = 0; round < rounds; round++) {
            HttpResponse<String> read = send(get());
            check(read.statusCode() == 200, "reading %s answered %d: %s", resource, read.statusCode(), read.body());
            String etag = read.headers().firstValue("ETag").orElseThrow(
                    () -> new AssertionError("no ETag on " + resource));
            List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
            for (int racer = 0; racer < racers; racer++) {
                puts.add(http.sendAsync(put(body.apply(round, racer), etag), HttpResponse.BodyHandlers.ofString()));
            }
            int winner = -1;
            String winnerEtag = null;
            for (int racer = 0; racer < racers; racer++) {
                HttpResponse<String> answer = puts.get(racer).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
                if (answer.statusCode() / 100 == 2) {
                    check(winner < 0, "round %d at %s: racers %d and %d both won", round, etag, winner, racer);
                    winner = racer;
                    winnerEtag = answer.headers().firstValue("ETag").orElse(null);
                } else {
                    check(answer.statusCode() == 412, "round %d: a losing racer answered %d, not 412: %s", round,
                            answer.statusCode(), answer.body());
                    check(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                            "round %d: the 412 is not a problem: %s", round, answer.body());
                }
            }
            check(winner >= 0, "round %d at %s: no racer won", round, etag);
            HttpResponse<String> after = send(get());
            String nowEtag = after.headers().firstValue("ETag").orElse(null);
            check(!etag.equals(nowEtag), "round %d: the ETag did not move from %s", round, etag);
            check(winnerEtag == null || winnerEtag.equals(nowEtag), "round %d: the winner was told %s, the resource "
                    + "says %s", round, winnerEtag, nowEtag);
            String marker = marker(round, winner);
            check(after.body().contains(marker), "round %d: the resource does not show the winner's change %s: %s",
                    round, marker, after.body());
            HttpResponse<String> stale = send(put(body.apply(round, racers), etag));
            check(stale.statusCode() == 412, "round %d: a replacement with the stale ETag %s answered %d", round, etag,
                    stale.statusCode());
        }
    }

    /** What {@code body(round, racer)} must contain (and the resource then show). */
    public static String marker(int round, int racer) {
        return "race-" + round + "-" + racer;
    }

    private HttpRequest get() {
        return HttpRequest.newBuilder(resource).timeout(TIMEOUT).header("Authorization", authorization)
                .header("Accept", "application/json").GET().build();
    }

    private HttpRequest put(String body, String etag) {
        return HttpRequest.newBuilder(resource).timeout(TIMEOUT).header("Authorization", authorization)
                .header("Content-Type", "application/json").header("If-Match", etag)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError("no answer from " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void check(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new AssertionError(String.format(format, args));
        }
    }
}
