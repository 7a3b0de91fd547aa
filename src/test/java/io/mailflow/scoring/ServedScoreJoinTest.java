package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class ServedScoreJoinTest {
    private static final long HORIZON = Duration.ofMinutes(30).toMillis();
    private static final long T0 = 1_700_000_000_000L;

    private static KeyedTwoInputStreamOperatorTestHarness<String, PropensityScore, LabeledExample, ServedOutcome>
            harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new ServedScoreJoin(Duration.ofMillis(HORIZON)),
                PropensityScore::userId,
                LabeledExample::userId,
                Types.STRING);
    }

    private static PropensityScore served(String user, long t, double score, long version) {
        return new PropensityScore(user, score, version, t);
    }

    private static LabeledExample label(String user, long t, double y, long labelTime) {
        // The features are what the trainer learns from; the join must not score them.
        return new LabeledExample(user, t, new double[] {100, -100}, y, 1.0, labelTime);
    }

    @Test
    void anIdleScoreIsServedNotValidatedAndLeavesNoTrace() throws Exception {
        try (var h = harness()) {
            h.processElement1(served("ann", T0, 0.3, 4), T0);
            h.processElement1(
                    new PropensityScore("ann", 0.9, 4, T0 + 60_000, io.mailflow.features.SnapshotKind.IDLE),
                    T0 + 60_000);
            h.processElement1(
                    new PropensityScore("bob", 0.9, 4, T0 + 60_000, io.mailflow.features.SnapshotKind.IDLE),
                    T0 + 60_000);
            assertThat(h.numKeyedStateEntries())
                    .as("ann's served score and last snapshot; nothing for an idle score")
                    .isEqualTo(2);
            h.processElement2(label("ann", T0, 1.0, T0 + 120_000), T0 + 120_000);
            assertThat(h.extractOutputValues())
                    .extracting(ServedOutcome::snapshotTime, ServedOutcome::score, ServedOutcome::label)
                    .containsExactly(tuple(T0, 0.3, 1.0));
            h.processBothWatermarks(new Watermark(T0 + 20 * HORIZON));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void theServedScoreIsEvaluatedWhenItsLabelArrivesWhicheverComesFirst() throws Exception {
        try (var h = harness()) {
            h.processElement1(served("ann", T0, 0.3, 4), T0);
            h.processElement2(label("ann", T0, 1.0, T0 + 60_000), T0 + 60_000);
            // A purchase that overtook the snapshot: the label is there before the score.
            h.processElement2(label("bob", T0, 1.0, T0 + 1), T0 + 1);
            h.processElement1(served("bob", T0, 0.8, 5), T0);

            assertThat(h.extractOutputValues())
                    .extracting(
                            ServedOutcome::snapshotTime,
                            ServedOutcome::score,
                            ServedOutcome::modelVersion,
                            ServedOutcome::label,
                            ServedOutcome::labelTime)
                    .containsExactly(tuple(T0, 0.3, 4L, 1.0, T0 + 60_000), tuple(T0, 0.8, 5L, 1.0, T0 + 1));
            h.processBothWatermarks(new Watermark(T0 + ServedScoreJoin.LABEL_WAIT_HORIZONS * HORIZON));
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void onlyTheFirstScoreOfASnapshotCountsAndCensoredScoresLeaveNoTrace() throws Exception {
        try (var h = harness()) {
            h.processElement1(served("cy", T0, 0.2, 1), T0);
            h.processElement1(served("cy", T0, 0.9, 2), T0); // a repeat: not what was served first
            h.processElement1(served("cy", T0 + 1000, 0.4, 2), T0 + 1000);
            h.processElement2(label("cy", T0, 0.0, T0 + HORIZON), T0 + HORIZON);
            h.processBothWatermarks(new Watermark(T0 + HORIZON));
            // The second snapshot's label never comes (censored at the end of input).
            h.processBothWatermarks(new Watermark(Long.MAX_VALUE));

            assertThat(h.extractOutputValues())
                    .extracting(ServedOutcome::score, ServedOutcome::label)
                    .containsExactly(tuple(0.2, 0.0));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aLabelWhoseSnapshotWasNeverServedIsDroppedNotEvaluated() throws Exception {
        try (var h = harness()) {
            // Before the first model the scorer keeps only a user's latest snapshot: T0 is never scored.
            h.processElement2(label("dee", T0, 1.0, T0 + 10), T0 + 10);
            h.processElement1(served("dee", T0 + 5, 0.6, 1), T0 + 5);
            h.processElement2(label("dee", T0 + 5, 0.0, T0 + 5 + HORIZON), T0 + 5 + HORIZON);
            // And a label for a snapshot the scorer has already moved past.
            h.processElement2(label("dee", T0 + 2, 1.0, T0 + 20), T0 + 20);
            h.processBothWatermarks(new Watermark(Long.MAX_VALUE));

            assertThat(h.extractOutputValues())
                    .extracting(ServedOutcome::snapshotTime, ServedOutcome::score, ServedOutcome::label)
                    .containsExactly(tuple(T0 + 5, 0.6, 0.0));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
