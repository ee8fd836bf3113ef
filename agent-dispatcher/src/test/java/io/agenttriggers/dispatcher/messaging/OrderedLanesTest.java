package io.agenttriggers.dispatcher.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderedLanesTest {

    @Test
    void aTurnStartsWhenTheTurnBeforeItInItsKeyEndedAndOtherKeysAreNotHeld() {
        OrderedLanes lanes = new OrderedLanes();
        OrderedLanes.Turn a1 = lanes.enter("a");
        OrderedLanes.Turn a2 = lanes.enter("a");
        OrderedLanes.Turn a3 = lanes.enter("a");
        OrderedLanes.Turn b1 = lanes.enter("b");
        assertThat(a1.ready()).isDone();
        assertThat(b1.ready()).isDone();
        assertThat(a2.ready()).isNotDone();
        assertThat(a3.ready()).isNotDone();

        lanes.leave(a1);
        assertThat(a2.ready()).isDone();
        assertThat(a3.ready()).isNotDone();
        lanes.leave(b1);
        lanes.leave(a2);
        assertThat(a3.ready()).isDone();
        assertThat(lanes.lanes()).isEqualTo(1);
        lanes.leave(a3);
        assertThat(lanes.lanes()).isZero();
        assertThat(lanes.enter("a").ready()).isDone();
    }
}
