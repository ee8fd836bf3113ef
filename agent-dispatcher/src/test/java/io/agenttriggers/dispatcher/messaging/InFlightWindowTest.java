package io.agenttriggers.dispatcher.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InFlightWindowTest {

    @Test
    void holdsAtMostMaxAndHandsFreedSlotsToWaitersInOrder() {
        InFlightWindow window = new InFlightWindow(2);
        assertThat(window.acquire()).isDone();
        assertThat(window.acquire()).isDone();
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(window.acquire());
        }
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        assertThat(window.inFlight()).isEqualTo(2);

        window.release();
        assertThat(waiting.get(0)).isDone();
        assertThat(waiting.get(1)).isNotDone();
        window.release();
        window.release();
        assertThat(waiting).allMatch(CompletableFuture::isDone);
        assertThat(window.inFlight()).isEqualTo(2);
        window.release();
        window.release();
        assertThat(window.inFlight()).isZero();
        assertThat(window.acquire()).isDone();
    }
}
