package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class ServedValidatorTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, ServedOutcome, ValidationMetrics> harness(
            int publishEvery, int window) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ServedValidator(publishEvery, window)),
                o -> ServedValidator.KEY,
                Types.STRING);
    }

    private static List<ServedOutcome> outcomes(int n, long seed) {
        Random r = new Random(seed);
        List<ServedOutcome> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double score = r.nextDouble();
            double label = r.nextDouble() < score ? 1 : 0;
            out.add(new ServedOutcome(i, score, 1 + i / 10, label, i + 5));
        }
        return out;
    }

    private static double[] scores(List<ServedOutcome> o) {
        return o.stream().mapToDouble(ServedOutcome::score).toArray();
    }

    private static double[] labels(List<ServedOutcome> o) {
        return o.stream().mapToDouble(ServedOutcome::label).toArray();
    }

    @Test
    void publishesTheServedScoresMetricsEveryNOutcomesAndAtTheEndOfInput() throws Exception {
        List<ServedOutcome> data = outcomes(250, 7);
        try (var h = harness(100, 150)) {
            h.open();
            for (ServedOutcome o : data) {
                h.processElement(o, o.labelTime());
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            List<ValidationMetrics> published = h.extractOutputValues();
            assertThat(published).extracting(ValidationMetrics::examples).containsExactly(100L, 200L, 250L);
            ValidationMetrics last = published.get(2);
            assertThat(last.window()).isEqualTo(150);
            assertThat(last.modelVersion()).isEqualTo(25);
            List<ServedOutcome> window = data.subList(100, 250);
            ProgressiveValidator expected = ProgressiveValidator.restore(150, scores(window), labels(window));
            assertThat(last.auc()).isEqualTo(expected.auc()).isBetween(0.6, 1.0);
            assertThat(last.logLoss()).isEqualTo(expected.logLoss());
            assertThat(last.calibrationError())
                    .isEqualTo(Calibration.expectedCalibrationError(scores(window), labels(window)))
                    .isLessThan(0.2);
        }
    }

    @Test
    void theWindowAndCountSurviveARestore() throws Exception {
        List<ServedOutcome> data = outcomes(300, 8);
        ValidationMetrics uninterrupted;
        try (var h = harness(100, 120)) {
            h.open();
            for (ServedOutcome o : data) {
                h.processElement(o, o.labelTime());
            }
            uninterrupted = h.extractOutputValues().get(2);
        }
        OperatorSubtaskState snapshot;
        try (var h = harness(100, 120)) {
            h.open();
            for (ServedOutcome o : data.subList(0, 150)) {
                h.processElement(o, o.labelTime());
            }
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(100, 120)) {
            h.initializeState(snapshot);
            h.open();
            for (ServedOutcome o : data.subList(150, 300)) {
                h.processElement(o, o.labelTime());
            }
            ValidationMetrics restored = h.extractOutputValues().get(1);
            assertThat(restored.examples()).isEqualTo(300);
            assertThat(restored.auc()).isCloseTo(uninterrupted.auc(), within(1e-12));
            assertThat(restored.logLoss()).isCloseTo(uninterrupted.logLoss(), within(1e-12));
        }
    }
}
