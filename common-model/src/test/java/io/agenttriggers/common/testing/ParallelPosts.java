package io.agenttriggers.common.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Posts JSON bodies at once, each on its own thread and connection, released together: for tests of races such as
 * quota checks. Answers each request's status and body, in the order of the bodies.
 */
public final class ParallelPosts {

    /** One request's answer. */
    public record Answer(int status, String body) {
    }

    private ParallelPosts() {
    }

    /** {@code baseUrl} e.g. {@code http://localhost:8081}; {@code authorization} is sent as the header's value. */
    public static List<Answer> post(String baseUrl, String path, String authorization, List<String> bodies)
            throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(bodies.size());
        try {
            List<Future<Answer>> pending = new ArrayList<>();
            for (String body : bodies) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", authorization).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                pending.add(threads.submit(() -> {
                    start.await();
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    return new Answer(response.statusCode(), response.body());
                }));
            }
            start.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : pending) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            threads.shutdownNow();
        }
    }
}
