package io.agenttriggers.governance;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the real local Redis that a test can cut and restore, so "Redis is unreachable" is a real
 * network failure seen by the real client, without stopping the Redis every other test shares.
 */
public class RedisProxy implements QuarkusTestResourceLifecycleManager {

    static volatile boolean down;
    static final List<Socket> OPEN = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    /** Drops every connection and refuses new ones until {@link #restore()}. */
    public static void cut() {
        down = true;
        OPEN.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        });
        OPEN.clear();
    }

    public static void restore() {
        down = false;
    }

    @Override
    public Map<String, String> start() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(this::accept, "redis-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
        return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (down) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket("127.0.0.1", 6379);
                OPEN.add(client);
                OPEN.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // the server closed, or one connection failed: keep serving the others
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // connection cut
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "redis-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void stop() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        cut();
    }
}
