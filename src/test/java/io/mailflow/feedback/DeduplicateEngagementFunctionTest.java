package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class DeduplicateEngagementFunctionTest {
    private static final long BEGINNING = 1_790_000_000_000L;
    private static final long HOUR = 3_600_000L;
    private static final Duration TTL = Duration.ofHours(24);

    private static KeyedOneInputStreamOperatorTestHarness<String, EngagementEvent, EngagementEvent> harness(int cap)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DeduplicateEngagementFunction(TTL, cap)),
                EngagementEvent::userId,
                Types.STRING);
    }

    private static EngagementEvent click(String id, String user, long at) {
        return new EngagementEvent(
                id, EngagementType.CLICKED, user, "c1", null, "r-" + user, null, "https://x.test/", false, false, at);
    }

    private static void add(
            KeyedOneInputStreamOperatorTestHarness<String, EngagementEvent, EngagementEvent> h, EngagementEvent e)
            throws Exception {
        h.processElement(e, e.timestamp());
    }

    @Test
    void aRepeatedEventIdOfTheSameUserPassesOnceAndOtherUsersAreNotConfused() throws Exception {
        try (var h = harness(100)) {
            h.open();
            add(h, click("e1", "ann", BEGINNING));
            add(h, click("e1", "ann", BEGINNING)); // a webhook retry
            add(h, click("e2", "ann", BEGINNING + 1));
            add(h, click("e1", "bob", BEGINNING)); // the same id from another user's stream
            add(h, click("e1", "ann", BEGINNING + HOUR)); // retried an hour later, still within the TTL
            assertThat(h.extractOutputValues())
                    .extracting(e -> e.userId() + "/" + e.eventId())
                    .containsExactly("ann/e1", "ann/e2", "bob/e1");
        }
    }

    @Test
    void idsAreForgottenOneTtlAfterTheirEventAndTheStateAndTimersAreGone() throws Exception {
        try (var h = harness(100)) {
            h.open();
            add(h, click("e1", "ann", BEGINNING));
            add(h, click("e2", "ann", BEGINNING + 2 * HOUR));
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processWatermark(BEGINNING + TTL.toMillis());
            // e1 is forgotten, e2 is not: the sweep moved on to e2's expiry
            add(h, click("e2", "ann", BEGINNING + TTL.toMillis()));
            add(h, click("e1", "ann", BEGINNING + TTL.toMillis()));
            assertThat(h.extractOutputValues())
                    .extracting(EngagementEvent::eventId)
                    .containsExactly("e1", "e2", "e1");
            h.processWatermark(BEGINNING + 3 * TTL.toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aFloodOfDistinctIdsIsCappedOldestFirst() throws Exception {
        try (var h = harness(10)) {
            h.open();
            for (int i = 0; i < 11; i++) {
                add(h, click("e" + i, "ann", BEGINNING + i));
            }
            // the cap (10) was exceeded: down to 9, the two oldest (e0, e1) forgotten
            add(h, click("e0", "ann", BEGINNING));
            add(h, click("e10", "ann", BEGINNING + 10));
            assertThat(h.extractOutputValues()).hasSize(12);
            assertThat(h.extractOutputValues().get(11).eventId()).isEqualTo("e0");
        }
    }
}
