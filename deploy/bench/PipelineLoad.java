import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Webhooks at a fixed rate (open model): request i is due at start + i/rate whatever the answers before it, and
 * its latency is measured from that due time, so a stalled server shows in the percentiles instead of slowing the
 * load (no coordinated omission). One Vert.x event loop, keep-alive connections (as many as the server needs, up to
 * {@code connections}); a request that has no answer within 10 s counts as a timeout.
 *
 * <p>The generator warms itself up first when given a warm-up URL: a fresh JVM sending at hundreds of requests a
 * second is still interpreting its HTTP client for its first seconds, and its own lag would read as the server's
 * (seconds of "latency" in the first three seconds of every run, then tens of ms). It sends {@code WARM_SECONDS}
 * (5) at up to 200/s to that URL, writes how many were accepted to {@code readyFile}, and starts the measured
 * schedule once {@code readyFile.go} exists: the caller waits for those runs to finish and starts measuring CPU there.
 *
 * <p>Usage: PipelineLoad url rate seconds bodyFile connections [warmUrl readyFile]
 * <br>prints one line: {@code sent=… answered=… p50_ms=… p99_ms=… max_ms=… status_202=… … retry_after=… timeouts=…}
 * and, per status, {@code p99_ms_<status>=…}.
 */
public class PipelineLoad {
    public static void main(String[] args) throws Exception {
        java.net.URI uri = java.net.URI.create(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args[3])));
        int connections = Integer.parseInt(args[4]);
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setConnectTimeout(5_000).setIdleTimeout(30),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        RequestOptions request = options(uri);
        if (args.length >= 7) {
            int warmRate = Math.min(rate, 200);
            int warmSeconds = Integer.getInteger("WARM_SECONDS", 5);
            int[] warmStatuses = new int[warmRate * warmSeconds];
            long[] warm = schedule(vertx, client, options(java.net.URI.create(args[5])), body, warmRate, warmSeconds,
                    warmStatuses, new LongAdder(), new AtomicInteger());
            System.err.printf("generator warm-up: %d requests, p99 %.1f ms%n", warm.length,
                    pct(Arrays.stream(warm).filter(l -> l >= 0).sorted().toArray(), 99));
            // The caller waits for these runs to finish, then says go: the measured schedule starts on a quiet stack.
            Path ready = Path.of(args[6]);
            Files.writeString(ready, Long.toString(Arrays.stream(warmStatuses).filter(st -> st == 202).count()));
            awaitFile(Path.of(args[6] + ".go"));
        }

        int total = rate * seconds;
        int[] statuses = new int[total];
        LongAdder retryAfter = new LongAdder();
        AtomicInteger timeouts = new AtomicInteger();
        long start = System.nanoTime();
        long[] latencies = schedule(vertx, client, request, body, rate, seconds, statuses, retryAfter, timeouts);
        double elapsed = (System.nanoTime() - start) / 1e9;

        Map<Integer, Integer> mix = new TreeMap<>();
        Map<Integer, java.util.List<Long>> perStatus = new ConcurrentHashMap<>();
        int answered = 0;
        for (int i = 0; i < total; i++) {
            if (latencies[i] < 0) {
                continue;
            }
            answered++;
            mix.merge(statuses[i], 1, Integer::sum);
            perStatus.computeIfAbsent(statuses[i], s -> new java.util.ArrayList<>()).add(latencies[i]);
        }
        long[] all = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        StringBuilder out = new StringBuilder();
        out.append(String.format("sent=%d answered=%d elapsed_s=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f", total,
                answered, elapsed, pct(all, 50), pct(all, 99), all.length == 0 ? 0 : all[all.length - 1] / 1e6));
        mix.forEach((s, c) -> out.append(" status_").append(s).append('=').append(c));
        perStatus.forEach((s, l) -> out.append(String.format(" p99_ms_%d=%.1f", s,
                pct(l.stream().mapToLong(Long::longValue).sorted().toArray(), 99))));
        out.append(" retry_after=").append(retryAfter.sum()).append(" timeouts=").append(timeouts.get());
        System.out.println(out);
        // Where in the run the slow answers were (by due second): a stall shows as a second of its own, a warming
        // generator or server as the first seconds.
        StringBuilder bySecond = new StringBuilder("p99_ms_by_second=");
        for (int from = 0; from < total; from += rate) {
            long[] second = Arrays.stream(latencies, from, Math.min(total, from + rate)).filter(l -> l >= 0).sorted()
                    .toArray();
            bySecond.append(String.format("%s%.0f", from == 0 ? "" : ",", pct(second, 99)));
        }
        System.err.println(bySecond);
        System.exit(0);
    }

    /** Returns once {@code file} exists (the caller creates it). */
    static void awaitFile(Path file) throws Exception {
        try (java.nio.file.WatchService watch = file.getFileSystem().newWatchService()) {
            file.toAbsolutePath().getParent().register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            while (!Files.exists(file)) {
                watch.poll(100, TimeUnit.MILLISECONDS);
            }
        }
    }

    static RequestOptions options(java.net.URI uri) {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost())
                .setPort(uri.getPort()).setURI(uri.getPath()).setTimeout(10_000)
                .putHeader("Content-Type", "application/json");
    }

    /** Sends {@code rate × seconds} requests on their due times; answers each one's latency from its due time. */
    static long[] schedule(Vertx vertx, HttpClient client, RequestOptions request, Buffer body, int rate,
            int seconds, int[] statuses, LongAdder retryAfter, AtomicInteger timeouts) throws InterruptedException {
        int total = rate * seconds;
        long[] latencies = new long[total];
        Arrays.fill(latencies, -1);
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime() + 100_000_000L;
        long interval = 1_000_000_000L / rate;
        AtomicInteger next = new AtomicInteger();
        // A 1 ms tick sends every request that is due by now: timers per request would cost more than the requests.
        vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            int i;
            while ((i = next.get()) < total && start + i * interval <= now) {
                next.incrementAndGet();
                int n = i;
                long due = start + n * interval;
                client.request(request).compose(r -> r.send(body)).onComplete(ar -> {
                    if (ar.succeeded()) {
                        ar.result().body().onComplete(b -> {
                            statuses[n] = ar.result().statusCode();
                            if (ar.result().getHeader("Retry-After") != null) {
                                retryAfter.increment();
                            }
                            latencies[n] = System.nanoTime() - due;
                            done.countDown();
                        });
                    } else {
                        statuses[n] = 0;
                        timeouts.incrementAndGet();
                        latencies[n] = System.nanoTime() - due;
                        done.countDown();
                    }
                });
            }
            if (next.get() >= total) {
                vertx.cancelTimer(id);
            }
        });
        done.await(seconds + 30L, TimeUnit.SECONDS);
        return latencies;
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
