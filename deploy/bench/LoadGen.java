import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open-model load generator: sends requests at a fixed rate whatever the latency, and measures each latency from
 * the moment the request was due (so a stall shows up in the percentiles instead of hiding, unlike closed loops).
 * Usage: LoadGen url rps seconds bodyFile [Header:Value ...]
 */
public class LoadGen {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int rps = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        byte[] body = Files.readAllBytes(Path.of(args[3]));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).build();
        HttpRequest.Builder base = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 4; i < args.length; i++) {
            int colon = args[i].indexOf(':');
            base.header(args[i].substring(0, colon), args[i].substring(colon + 1));
        }
        HttpRequest request = base.build();
        // Warm-up at the same rate, not measured: both JVMs (this one and the target) need their JIT.
        run(client, request, rps, Integer.getInteger("warmup", 10), null);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        long started = System.nanoTime();
        int total = run(client, request, rps, seconds, new Object[] { latencies, errors });
        double elapsed = (System.nanoTime() - started) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("sent=%d ok=%d errors=%d achieved_rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f%n",
                total, sorted.length, errors.get(), sorted.length / elapsed, pct(sorted, 50), pct(sorted, 95),
                pct(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        System.exit(0);
    }

    @SuppressWarnings("unchecked")
    static int run(HttpClient client, HttpRequest request, int rps, int seconds, Object[] sinks) throws Exception {
        int total = rps * seconds;
        CountDownLatch done = new CountDownLatch(total);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / rps;
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            timer.schedule(() -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        if (sinks != null) {
                            if (e != null || r.statusCode() >= 300) {
                                ((AtomicInteger) sinks[1]).incrementAndGet();
                            } else {
                                ((ConcurrentLinkedQueue<Long>) sinks[0]).add(System.nanoTime() - due);
                            }
                        }
                        done.countDown();
                    }), due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        done.await(seconds + 30L, TimeUnit.SECONDS);
        timer.shutdownNow();
        return total;
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }
}
