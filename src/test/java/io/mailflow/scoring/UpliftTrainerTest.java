package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class UpliftTrainerTest {
    private static final UpliftLearner LEARNER = new UpliftLearner(new Ftrl(0.1, 0.1, 0.001, 0.01));

    private static KeyedOneInputStreamOperatorTestHarness<String, UpliftExample, CampaignUpliftModel> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new UpliftTrainer(LEARNER, 100)), UpliftExample::campaignId, Types.STRING);
    }

    /** Persuadables (x = 1: 10 % -> 40 %) and others (x = 0: 20 % either way), 10 % holdout. */
    private static List<UpliftExample> examples(String campaign, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> {
                    double[] x = {r.nextBoolean() ? 1 : 0};
                    boolean treated = r.nextDouble() < 0.9;
                    double rate = x[0] == 1 ? (treated ? 0.4 : 0.1) : 0.2;
                    return new UpliftExample(campaign, i, x, treated, 0.9, r.nextDouble() < rate ? 1 : 0, 1);
                })
                .toList();
    }

    @Test
    void publishesVersionedModelsPerCampaign() throws Exception {
        try (var h = harness()) {
            h.open();
            for (UpliftExample e : examples("a", 5_000, 1)) {
                h.processElement(e, e.decisionTime());
            }
            for (UpliftExample e : examples("b", 250, 2)) {
                h.processElement(e, e.decisionTime());
            }
            List<CampaignUpliftModel> out = h.extractOutputValues();
            List<CampaignUpliftModel> a =
                    out.stream().filter(m -> m.campaignId().equals("a")).toList();
            List<CampaignUpliftModel> b =
                    out.stream().filter(m -> m.campaignId().equals("b")).toList();
            assertThat(a).hasSize(50);
            assertThat(a.get(0).model().version()).isEqualTo(1);
            assertThat(a.get(49).model().version()).isEqualTo(50);
            assertThat(b).extracting(m -> m.model().version()).containsExactly(1L, 2L);
            UpliftModel last = a.get(49).model();
            assertThat(last.uplift(new double[] {1})).isGreaterThan(0.15);
            assertThat(Math.abs(last.uplift(new double[] {0}))).isLessThan(0.1);
        }
    }

    @Test
    void aRestoreContinuesLearningAndVersions() throws Exception {
        List<UpliftExample> all = examples("a", 400, 3);
        OperatorSubtaskState snapshot;
        List<CampaignUpliftModel> straight;
        try (var h = harness()) {
            h.open();
            for (UpliftExample e : all) {
                h.processElement(e, e.decisionTime());
            }
            straight = h.extractOutputValues();
        }
        try (var h = harness()) {
            h.open();
            for (UpliftExample e : all.subList(0, 250)) {
                h.processElement(e, e.decisionTime());
            }
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            for (UpliftExample e : all.subList(250, 400)) {
                h.processElement(e, e.decisionTime());
            }
            List<CampaignUpliftModel> after = h.extractOutputValues();
            assertThat(after).extracting(m -> m.model().version()).containsExactly(3L, 4L);
            assertThat(after.get(1).model())
                    .usingRecursiveComparison()
                    .isEqualTo(straight.get(3).model());
        }
    }

    @Test
    void rejectsBadExamplesAndOtherLayoutsWithoutLearning() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new UpliftExample("a", 0, new double[] {1}, true, 0.9, 1, 1), 0);
            h.processElement(new UpliftExample("a", 1, new double[] {1, 2}, true, 0.9, 1, 1), 1);
            h.processElement(new UpliftExample("a", 2, new double[] {Double.NaN}, true, 0.9, 1, 1), 2);
            h.processElement(new UpliftExample("a", 3, new double[] {1}, true, 1.0, 1, 1), 3);
            h.processElement(new UpliftExample("a", 4, null, true, 0.9, 1, 1), 4);
            // the four bad examples were not counted: the first version comes with the 100th good one
            for (int i = 1; i < 99; i++) {
                h.processElement(
                        new UpliftExample("a", 10 + i, new double[] {1}, i % 2 == 0, 0.9, i % 3 == 0 ? 1 : 0, 1),
                        10 + i);
            }
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement(new UpliftExample("a", 200, new double[] {1}, true, 0.9, 0, 1), 200);
            assertThat(h.extractOutputValues()).hasSize(1);
            UpliftModel m = h.extractOutputValues().get(0).model();
            assertThat(m.version()).isEqualTo(1);
            assertThat(m.treated().examples() + m.control().examples()).isEqualTo(100);
        }
    }
}
