package io.agenttriggers.cron.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;

/**
 * Deterministic jitter: the delay of a fire is hash(scheduleId, fire time) mod the schedule's jitter, so many
 * schedules on the same minute spread out, and every replica (and every retry) computes the same delay.
 */
public final class Jitter {

    private Jitter() {
    }

    public static Duration delay(String scheduleId, Instant fireTime, int jitterSeconds) {
        if (jitterSeconds <= 0) {
            return Duration.ZERO;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((scheduleId + "@" + fireTime.toEpochMilli())
                    .getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return Duration.ofMillis(Math.floorMod(v, jitterSeconds * 1000L));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
