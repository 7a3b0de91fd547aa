package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.mailflow.features.Features;
import io.mailflow.features.UserFeatures;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses\' close() declares InterruptedException
class PurchaseLabellerTest {
    private static final long HORIZON = Duration.ofHours(24).toMillis();
    private static final long BEGINNING = 1_700_000_000_000L;
    private static final long ONE_HOUR_LATER = BEGINNING + 3_600_000L;

    private static KeyedTwoInputStreamOperatorTestHarness<String, UserFeatures, Event, LabeledExample> harness()
            throws Exception {
        return harness(false);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, UserFeatures, Event, LabeledExample> harness(
            boolean releaseAtHorizon) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new PurchaseLabeller(Duration.ofMillis(HORIZON), releaseAtHorizon),
                UserFeatures::userId,
                Event::userId,
                Types.STRING);
    }

    @Test
    void anIdleSnapshotIsNeverLabelled() throws Exception {
        try (var h = harness(true)) {
            h.processElement1(Features.of("eve", BEGINNING, 0.5), BEGINNING);
            h.processElement1(Features.idle("eve", BEGINNING + 10, 0.4), BEGINNING + 10);
            h.processElement1(Features.idle("ann", BEGINNING + 10, 0.4), BEGINNING + 10);
            h.processElement2(purchase("eve", ONE_HOUR_LATER), ONE_HOUR_LATER);
            h.processElement2(purchase("ann", ONE_HOUR_LATER), ONE_HOUR_LATER);
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + 2 * HORIZON));
            assertThat(h.extractOutputValues())
                    .extracting(LabeledExample::userId, LabeledExample::snapshotTime, LabeledExample::label)
                    .containsExactly(tuple("eve", BEGINNING, 1.0));
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void releasedAtTheHorizonAPositiveWaitsLikeANegative() throws Exception {
        try (var h = harness(true)) {
            h.processElement1(Features.of("eve", BEGINNING, 0.5), BEGINNING);
            h.processElement1(Features.of("eve", BEGINNING + 10, 0.7), BEGINNING + 10);
            h.processElement2(purchase("eve", ONE_HOUR_LATER), ONE_HOUR_LATER);
            h.processElement2(purchase("eve", ONE_HOUR_LATER + 5), ONE_HOUR_LATER + 5);
            assertThat(h.extractOutputValues()).as("nothing before the horizon").isEmpty();

            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + HORIZON));
            assertThat(h.extractOutputValues())
                    .extracting(LabeledExample::snapshotTime, LabeledExample::label, LabeledExample::labelTime)
                    .containsExactly(tuple(BEGINNING, 1.0, ONE_HOUR_LATER));
            assertThat(h.extractOutputValues().get(0).raw()).containsExactly(0.5);

            // the input ends before the second snapshot's horizon: its label is known, so it is not censored
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
            assertThat(h.extractOutputValues())
                    .extracting(LabeledExample::snapshotTime, LabeledExample::label)
                    .containsExactly(tuple(BEGINNING, 1.0), tuple(BEGINNING + 10, 1.0));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void releasedAtTheHorizonAPurchaseThatOvertookTheSnapshotIsHeldToo() throws Exception {
        try (var h = harness(true)) {
            h.processElement2(purchase("fay", ONE_HOUR_LATER), ONE_HOUR_LATER);
            h.processElement1(Features.of("fay", BEGINNING, 1), BEGINNING);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + HORIZON));
            assertThat(h.extractOutputValues())
                    .extracting(LabeledExample::snapshotTime, LabeledExample::label, LabeledExample::labelTime)
                    .containsExactly(tuple(BEGINNING, 1.0, ONE_HOUR_LATER));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(ONE_HOUR_LATER + HORIZON));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    private static Event purchase(String user, long t) {
        return new Event("e" + t, user, "s", EventType.PURCHASE, "item", "cat", 10.0, 1, "EUR", null, t);
    }

    @Test
    void purchaseWithinHorizonLabelsPositiveAtOnce() throws Exception {
        try (var h = harness()) {
            h.processElement1(Features.of("ann", BEGINNING, 0.5), BEGINNING);
            h.processElement2(purchase("ann", ONE_HOUR_LATER), ONE_HOUR_LATER);

            assertThat(h.extractOutputValues())
                    .extracting(
                            LabeledExample::userId,
                            LabeledExample::snapshotTime,
                            LabeledExample::label,
                            LabeledExample::labelTime)
                    .containsExactly(tuple("ann", BEGINNING, 1.0, ONE_HOUR_LATER));
            assertThat(h.extractOutputValues().get(0).features()).containsExactly(0.5);

            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(ONE_HOUR_LATER + HORIZON));
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void noPurchaseLabelsNegativeWhenTheHorizonPasses() throws Exception {
        try (var h = harness()) {
            h.processElement1(Features.of("bob", BEGINNING, 1), BEGINNING);
            h.processElement2(purchase("bob", BEGINNING), BEGINNING); // during the session itself: not "after"
            h.processElement2(purchase("bob", BEGINNING + HORIZON + 1), BEGINNING + HORIZON + 1); // too late
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + HORIZON - 1));
            assertThat(h.extractOutputValues()).isEmpty();

            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + HORIZON));
            assertThat(h.extractOutputValues())
                    .extracting(LabeledExample::label, LabeledExample::labelTime)
                    .containsExactly(tuple(0.0, BEGINNING + HORIZON));

            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + 3 * HORIZON));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void purchaseThatOvertookTheSnapshotStillLabelsIt() throws Exception {
        try (var h = harness()) {
            // The purchase is processed first: the snapshot only exists after the session window closed.
            h.processElement2(purchase("cy", ONE_HOUR_LATER), ONE_HOUR_LATER);
            h.processElement1(Features.of("cy", BEGINNING, 1), BEGINNING);
            h.processElement1(Features.of("cy", ONE_HOUR_LATER + 1, 2), ONE_HOUR_LATER + 1);

            assertThat(h.extractOutputValues())
                    .extracting(LabeledExample::snapshotTime, LabeledExample::label)
                    .containsExactly(tuple(BEGINNING, 1.0));
            h.processBothWatermarks(
                    new org.apache.flink.streaming.api.watermark.Watermark(ONE_HOUR_LATER + 1 + HORIZON));
            assertThat(h.extractOutputValues())
                    .extracting(LabeledExample::snapshotTime, LabeledExample::label)
                    .containsExactly(tuple(BEGINNING, 1.0), tuple(ONE_HOUR_LATER + 1, 0.0));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void snapshotsWhoseHorizonHadNotPassedWhenTheInputEndedAreCensoredNotNegative() throws Exception {
        try (var h = harness()) {
            h.processElement1(Features.of("dee", BEGINNING, 1), BEGINNING);
            h.processElement1(Features.of("dee", ONE_HOUR_LATER, 2), ONE_HOUR_LATER);
            // Event time passes the first snapshot's horizon, not the second's; then the input ends.
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + HORIZON));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));

            assertThat(h.extractOutputValues())
                    .extracting(LabeledExample::snapshotTime, LabeledExample::label)
                    .as("the second snapshot's label is unknown: no example, not a negative")
                    .containsExactly(tuple(BEGINNING, 0.0));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
