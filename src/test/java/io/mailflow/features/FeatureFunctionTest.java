package io.mailflow.features;

import static io.mailflow.features.Sessions.BEGINNING;
import static io.mailflow.features.Sessions.DAY;
import static io.mailflow.features.Sessions.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.mailflow.model.SessionSummary;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
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

    private static KeyedTwoInputStreamOperatorTestHarness<String, SessionSummary, FeatureSignal, UserFeatures>
            idleHarness() throws Exception {
        FeatureFunction fn = new FeatureFunction(
                new FeatureExtractor(Duration.ofDays(30), 5), TTL, new IdleSchedule(Duration.ofDays(1), 3));
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(fn), SessionSummary::userId, FeatureSignal::userId, Types.STRING);
    }

    private static StandardizerState standardizer(
            KeyedTwoInputStreamOperatorTestHarness<String, SessionSummary, FeatureSignal, UserFeatures> h) {
        return ((FeatureFunction) ((KeyedCoProcessOperator<?, ?, ?, ?>) h.getOperator()).getUserFunction())
                .standardizer();
    }

    private static double hoursSinceVisit(UserFeatures f) {
        return f.extras().numeric(f.asOf())[ModelExtras.NUMERIC_NAMES.indexOf("hours_since_visit")];
    }

    @Test
    void aUserWhoStaysAwayGetsExactlyTheConfiguredIdleSnapshotsWithGrowingRecency() throws Exception {
        try (var h = idleHarness()) {
            h.open();
            SessionSummary ann = Sessions.browse("ann", BEGINNING, 3);
            h.processElement1(ann, ann.end());
            h.processElement2(new FeatureSignal("bob", FeatureSignal.Kind.EMAIL_OPENED, BEGINNING), BEGINNING);
            assertThat(h.numEventTimeTimers())
                    .as("one timer, for the user with a session; none for e-mail alone")
                    .isEqualTo(1);
            UserFeatures session = h.extractOutputValues().get(0);
            h.getOutput().clear();
            long count = standardizer(h).count();

            h.processBothWatermarks(new Watermark(BEGINNING + 30 * DAY));

            List<UserFeatures> idle = h.extractOutputValues();
            assertThat(idle)
                    .extracting(UserFeatures::userId, UserFeatures::asOf, UserFeatures::kind)
                    .containsExactly(
                            tuple("ann", ann.end() + DAY, SnapshotKind.IDLE),
                            tuple("ann", ann.end() + 2 * DAY, SnapshotKind.IDLE),
                            tuple("ann", ann.end() + 3 * DAY, SnapshotKind.IDLE));
            assertThat(session.kind()).isEqualTo(SnapshotKind.SESSION);
            assertThat(hoursSinceVisit(session)).as("a first visit").isNaN();
            assertThat(idle).extracting(FeatureFunctionTest::hoursSinceVisit).containsExactly(24.0, 48.0, 72.0);
            assertThat(idle)
                    .extracting(f -> f.vector()[FeatureVector.FREQUENCY])
                    .isSortedAccordingTo(java.util.Comparator.reverseOrder())
                    .allSatisfy(v -> assertThat(v).isLessThan(session.vector()[FeatureVector.FREQUENCY]));
            assertThat(standardizer(h).count())
                    .as("idle snapshots never move the standardizer")
                    .isEqualTo(count);
            assertThat(h.numEventTimeTimers()).as("bounded: no timer left").isZero();
            assertThat(h.numKeyedStateEntries())
                    .as("no state beyond the two histories")
                    .isEqualTo(2);
        }
    }

    @Test
    void aNewSessionBeforeTheTimerMeansNoIdleSnapshotAndRestartsTheCount() throws Exception {
        try (var h = idleHarness()) {
            h.open();
            SessionSummary first = Sessions.browse("ann", BEGINNING, 3);
            h.processElement1(first, first.end());
            h.processBothWatermarks(new Watermark(BEGINNING + 20 * HOUR));
            SessionSummary second = Sessions.browse("ann", BEGINNING + 20 * HOUR, 1);
            h.processElement1(second, second.end());
            assertThat(h.numEventTimeTimers())
                    .as("the first session's timer replaced")
                    .isEqualTo(1);
            h.processBothWatermarks(new Watermark(second.end() + DAY - 1));
            assertThat(h.extractOutputValues())
                    .as("back before the timer: no idle snapshot")
                    .extracting(UserFeatures::kind)
                    .containsOnly(SnapshotKind.SESSION);
            h.getOutput().clear();

            // away a day, then back: the next day's timer goes, and the count starts again from the new session
            h.processBothWatermarks(new Watermark(second.end() + DAY));
            SessionSummary third = Sessions.browse("ann", second.end() + DAY + HOUR, 1);
            h.processElement1(third, third.end());
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processBothWatermarks(new Watermark(third.end() + 5 * DAY));
            assertThat(h.extractOutputValues())
                    .extracting(UserFeatures::asOf, UserFeatures::kind)
                    .containsExactly(
                            tuple(second.end() + DAY, SnapshotKind.IDLE),
                            tuple(third.end(), SnapshotKind.SESSION),
                            tuple(third.end() + DAY, SnapshotKind.IDLE),
                            tuple(third.end() + 2 * DAY, SnapshotKind.IDLE),
                            tuple(third.end() + 3 * DAY, SnapshotKind.IDLE));
        }
    }

    @Test
    void anErasureDeletesThePendingIdleTimer() throws Exception {
        try (var h = idleHarness()) {
            h.open();
            SessionSummary ann = Sessions.browse("ann", BEGINNING, 3);
            h.processElement1(ann, ann.end());
            h.processBothWatermarks(new Watermark(ann.end() + DAY)); // the first idle snapshot, the second timer set
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processElement2(FeatureSignal.erased("ann"), ann.end() + DAY);
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
            h.getOutput().clear();
            h.processBothWatermarks(new Watermark(ann.end() + 30 * DAY));
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void theEndOfABoundedInputFiresNoIdleSnapshot() throws Exception {
        try (var h = idleHarness()) {
            h.open();
            h.processElement1(Sessions.browse("ann", BEGINNING, 3), BEGINNING);
            h.getOutput().clear();
            h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            assertThat(h.extractOutputValues())
                    .as("those instants were never reached")
                    .isEmpty();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void idleTimersSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        SessionSummary ann = Sessions.browse("ann", BEGINNING, 3);
        try (var h = idleHarness()) {
            h.open();
            h.processElement1(ann, ann.end());
            snapshot = h.snapshot(1, 1);
        }
        try (var h = idleHarness()) {
            h.initializeState(snapshot);
            h.open();
            h.processBothWatermarks(new Watermark(ann.end() + DAY));
            assertThat(h.extractOutputValues())
                    .extracting(UserFeatures::asOf, UserFeatures::kind)
                    .containsExactly(tuple(ann.end() + DAY, SnapshotKind.IDLE));
        }
    }

    /** Idle snapshots keep no per-user copy of anything: one timer per user, about 19 bytes in a heap snapshot. */
    @Test
    void idleSnapshotsAddOnlyATimerPerUserToTheState() throws Exception {
        int users = 2_000;
        long[] size = new long[2];
        for (int on = 0; on < 2; on++) {
            try (var h = on == 1 ? idleHarness() : harness()) {
                h.open();
                for (int u = 0; u < users; u++) {
                    h.processElement1(Sessions.browse("user-" + u, BEGINNING + u, 3), BEGINNING + u);
                }
                assertThat(h.numKeyedStateEntries()).isEqualTo(users);
                assertThat(h.numEventTimeTimers()).isEqualTo(on * users);
                size[on] = h.snapshot(1, 1).getStateSize();
            }
        }
        double perUser = (size[1] - size[0]) / (double) users;
        assertThat(perUser).as("bytes per user added by idle snapshots").isBetween(1.0, 32.0);
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
