package io.mailflow.features;

import static io.mailflow.features.Sessions.BEGINNING;
import static io.mailflow.features.Sessions.DAY;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.SessionSummary;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses\' close() declares InterruptedException
class FeatureFunctionTest {
    private static final Duration TTL = Duration.ofDays(90);

    private static KeyedTwoInputStreamOperatorTestHarness<String, SessionSummary, FeatureSignal, UserFeatures> harness()
            throws Exception {
        FeatureFunction fn = new FeatureFunction(new FeatureExtractor(Duration.ofDays(30), 5), TTL);
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(fn), SessionSummary::userId, FeatureSignal::userId, Types.STRING);
    }

    @Test
    void anErasureForgetsTheUsersHistory() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(Sessions.browse("ann", BEGINNING, 3), BEGINNING);
            h.processElement1(Sessions.browse("bob", BEGINNING, 3), BEGINNING);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            h.processElement2(FeatureSignal.erased("ann"), BEGINNING + 1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        }
    }

    @Test
    void anEmailSignalReachesTheNextSnapshotWithoutEmittingOne() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement2(new FeatureSignal("ann", FeatureSignal.Kind.EMAIL_OPENED, BEGINNING), BEGINNING);
            h.processElement2(new FeatureSignal("ann", FeatureSignal.Kind.EMAIL_CLICKED, BEGINNING), BEGINNING);
            assertThat(h.extractOutputValues()).as("signals emit no snapshot").isEmpty();
            assertThat(h.numKeyedStateEntries())
                    .as("kept in the user's history")
                    .isEqualTo(1);

            h.processElement1(Sessions.browse("ann", BEGINNING + DAY, 3), BEGINNING + DAY);
            h.processElement1(Sessions.browse("bob", BEGINNING + DAY, 3), BEGINNING + DAY);
            List<UserFeatures> out = h.extractOutputValues();
            int opens = ModelExtras.NUMERIC_NAMES.indexOf("email_opens");
            UserFeatures ann = out.get(0);
            UserFeatures bob = out.get(1);
            assertThat(ann.extras().numeric(ann.asOf())[opens]).isPositive();
            assertThat(bob.extras().numeric(bob.asOf())[opens]).isZero();
            assertThat(ann.vector()).as("the 15 features do not see e-mail").containsExactly(bob.vector());

            h.processElement2(FeatureSignal.erased("ann"), BEGINNING + DAY);
            h.processElement2(FeatureSignal.erased("bob"), BEGINNING + DAY);
            assertThat(h.numKeyedStateEntries())
                    .as("the erasure forgets the e-mail signals too")
                    .isZero();
        }
    }

    @Test
    void emitsVersionedRawAndStandardizedFeaturesPerSession() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(Sessions.browse("ann", BEGINNING, 3), BEGINNING);
            h.processElement1(Sessions.cart("bob", BEGINNING, "shoes", true, 20), BEGINNING);
            h.processElement1(Sessions.browse("ann", BEGINNING + DAY, 1), BEGINNING + DAY);

            List<UserFeatures> out = h.extractOutputValues();
            assertThat(out).extracting(UserFeatures::userId).containsExactly("ann", "bob", "ann");
            assertThat(out).allSatisfy(f -> {
                assertThat(f.featureVersion()).isEqualTo(FeatureVector.VERSION);
                assertThat(f.vector()).hasSize(FeatureVector.SIZE);
                assertThat(f.standardized()).hasSize(FeatureVector.SIZE);
            });
            assertThat(out.get(2).vector()[FeatureVector.FREQUENCY])
                    .isGreaterThan(out.get(0).vector()[FeatureVector.FREQUENCY]);
            assertThat(out.get(0).standardized()).containsOnly(0.0); // first observation is the mean
            assertThat(h.numKeyedStateEntries()).isEqualTo(2); // one history per user, nothing else keyed
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void historyStateExpiresAfterTheTtl() {
        var ttl = FeatureFunction.historyDescriptor(TTL).getTtlConfig();
        assertThat(ttl.isEnabled()).isTrue();
        assertThat(ttl.getTimeToLive()).isEqualTo(TTL);
    }

    @Test
    void standardizerAndHistorySurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        StandardizerState before;
        try (var h = harness()) {
            h.open();
            h.processElement1(Sessions.browse("ann", BEGINNING, 3), BEGINNING);
            h.processElement1(Sessions.browse("bob", BEGINNING, 9), BEGINNING);
            before = ((FeatureFunction) ((KeyedCoProcessOperator<?, ?, ?, ?>) h.getOperator()).getUserFunction())
                    .standardizer();
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            StandardizerState after = ((FeatureFunction)
                            ((KeyedCoProcessOperator<?, ?, ?, ?>) h.getOperator()).getUserFunction())
                    .standardizer();
            assertThat(after.count()).isEqualTo(2);
            assertThat(after.mean()).containsExactly(before.mean());
            h.processElement1(Sessions.browse("ann", BEGINNING + DAY, 1), BEGINNING + DAY);
            assertThat(h.extractOutputValues().get(0).vector()[FeatureVector.FREQUENCY])
                    .as("ann's history was restored")
                    .isGreaterThan(Math.log1p(1.0));
        }
    }
}
