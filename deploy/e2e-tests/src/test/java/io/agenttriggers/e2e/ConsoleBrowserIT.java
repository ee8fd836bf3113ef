package io.agenttriggers.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser against the real stack: every service and the console started from their fast-jars,
 * then the Playwright suite of {@code console/src/test/browser} (playwright-core on the machine's Chromium) run by
 * Node's test runner. It signs in, finds and opens a run, follows a webhook from its endpoint's event log to its run, watches a decision arrive live, pauses a schedule, replays
 * a dead letter and checks what a viewer is offered. Screenshots of each page go to
 * {@code target/console-screenshots}.
 */
class ConsoleBrowserIT {

    static final StackProcesses STACK = new StackProcesses(StackProcesses.MODULES.keySet().toArray(String[]::new));
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots").toAbsolutePath();

    @BeforeAll
    static void start() throws Exception {
        STACK.start();
    }

    @AfterAll
    static void stop() {
        STACK.stop();
    }

    @Test
    void theBrowserSuitePassesAgainstTheStack() throws Exception {
        Path suite = STACK.root().resolve("console/src/test/browser");
        Path log = Path.of("target", "e2e-logs", "console-browser.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);

        run(suite, log, Map.of(), 300, "npm", "ci", "--no-audit", "--no-fund");
        Map<String, String> env = Map.of(
                "CONSOLE_URL", STACK.url("console"),
                "API_URL", STACK.url("api-gateway"),
                "DISPATCHER_URL", STACK.url("agent-dispatcher"),
                "CRON_URL", STACK.url("cron-service"),
                "WEBHOOK_URL", STACK.url("webhook-gateway"),
                "SIMULATOR_URL", STACK.url("runtime-simulator"),
                "ADMIN_TOKEN", StackProcesses.ADMIN_TOKEN,
                "VIEWER_TOKEN", StackProcesses.VIEWER_TOKEN,
                "TENANT", StackProcesses.VIEWER_TENANT,
                "SCREENSHOTS", SCREENSHOTS.toString());
        int exit = run(suite, log, env, 600, "node", "--test", "--test-concurrency=1", "--test-reporter=tap",
                "console.test.mjs");

        String output = Files.readString(log);
        assertThat(exit).as("the browser suite (output in %s):%n%s", log, tail(output)).isZero();
        // Seven tests ran and passed: the runner counts them, so a suite that silently ran nothing fails here.
        assertThat(output).contains("# pass 7").contains("# fail 0");
        try (var shots = Files.list(SCREENSHOTS)) {
            assertThat(shots.map(p -> p.getFileName().toString()).toList())
                    .contains("sign-in.png", "runs.png", "run.png", "overview.png", "decisions.png", "schedule.png",
                            "dead-letters.png", "webhook-endpoint.png", "viewer-schedule-phone.png", "viewer-runs-phone.png");
        }
    }

    private static int run(Path dir, Path log, Map<String, String> env, int timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " ran past " + timeoutSeconds + " s (output in "
                    + log + "):\n" + tail(Files.readString(log)));
        }
        if (p.exitValue() != 0 && command[0].equals("npm")) {
            throw new AssertionError("npm ci failed (output in " + log + "):\n" + tail(Files.readString(log)));
        }
        return p.exitValue();
    }

    private static String tail(String text) {
        return text.length() <= 8000 ? text : text.substring(text.length() - 8000);
    }
}
