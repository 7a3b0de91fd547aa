package io.mailflow.models;

import static io.mailflow.features.Sessions.BEGINNING;
import static io.mailflow.features.Sessions.HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.features.FeatureExtractor;
import io.mailflow.features.FeatureFunction;
import io.mailflow.features.FeatureSignal;
import io.mailflow.features.Sessions;
import io.mailflow.features.UserFeatures;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.SessionSummary;
import io.mailflow.scoring.BinnedFtrlSettings;
import io.mailflow.scoring.Ftrl;
import io.mailflow.scoring.FtrlTrainer;
import io.mailflow.scoring.LabeledExample;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.ModelInputs;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.scoring.PropensityScorer;
import io.mailflow.scoring.PurchaseLabeller;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * An e-mail engagement event reaches the propensity score the job serves: the production operators chained
 * (features -> labeller -> trainer -> scorer), on users whose sessions are identical and who differ only in
 * whether they opened an e-mail before their session. Openers buy more often; the 15 session features cannot
 * tell them apart, so only the engagement inputs can make their served scores differ.
 */
@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class EngagementReachesTheServedScoreTest {
    private static final int USERS = 800;
    private static final Duration HORIZON = Duration.ofHours(2);

    private static KeyedTwoInputStreamOperatorTestHarness<String, SessionSummary, FeatureSignal, UserFeatures>
            features() throws Exception {
        FeatureFunction fn = new FeatureFunction(new FeatureExtractor(Duration.ofDays(30), 5), Duration.ofDays(90));
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(fn), SessionSummary::userId, FeatureSignal::userId, Types.STRING);
    }

    /** The snapshot of one browsing session, after an e-mail open an hour before it if {@code opened}. */
    private static void visit(
            KeyedTwoInputStreamOperatorTestHarness<String, SessionSummary, FeatureSignal, UserFeatures> h,
            String user,
            long start,
            boolean opened)
            throws Exception {
        if (opened) {
            h.processElement2(new FeatureSignal(user, FeatureSignal.Kind.EMAIL_OPENED, start - HOUR), start - HOUR);
        }
        h.processElement1(Sessions.browse(user, start, 3), start);
    }

    @Test
    void anEmailOpenChangesTheServedScore() throws Exception {
        Random random = new Random(11);
        List<UserFeatures> snapshots;
        List<UserFeatures> fresh;
        try (var h = features()) {
            h.open();
            for (int u = 0; u < USERS; u++) {
                visit(h, "user-" + u, BEGINNING + u * 1_000L, u % 2 == 0);
            }
            snapshots = h.extractOutputValues();
            h.getOutput().clear();
            long later = BEGINNING + 30 * HOUR;
            visit(h, "opener", later, true);
            visit(h, "other", later, false);
            fresh = h.extractOutputValues();
        }
        assertThat(snapshots).hasSize(USERS);
        assertThat(snapshots.get(0).vector()).containsExactly(snapshots.get(1).vector());

        List<LabeledExample> examples;
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new PurchaseLabeller(HORIZON, true), UserFeatures::userId, Event::userId, Types.STRING)) {
            for (UserFeatures f : snapshots) {
                h.processElement1(f, f.asOf());
                boolean opened = Integer.parseInt(f.userId().substring(5)) % 2 == 0;
                if (random.nextDouble() < (opened ? 0.8 : 0.2)) {
                    long t = f.asOf() + HOUR / 2;
                    h.processElement2(
                            new Event(
                                    "p-" + f.userId(),
                                    f.userId(),
                                    "s",
                                    EventType.PURCHASE,
                                    "i",
                                    "c",
                                    30.0,
                                    1,
                                    "EUR",
                                    null,
                                    t),
                            t);
                }
            }
            h.processBothWatermarks(new Watermark(BEGINNING + 10 * HOUR));
            examples = h.extractOutputValues();
        }
        assertThat(examples)
                .hasSize(USERS)
                .allSatisfy(e -> assertThat(e.extras()).isNotNull());

        BinnedFtrlSettings settings = new BinnedFtrlSettings(
                ModelInputs.NUMERIC, ModelInputs.CATEGORICAL, 8, 256, 64, 14, true, 0.05, 1.0, 0.0, 1.0, 256);
        LogRegModel model;
        try (var h = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new FtrlTrainer(new Ftrl(0.1, 1, 0, 1), 15, 100, settings)))) {
            h.open();
            for (LabeledExample e : examples) {
                h.processElement(e, e.labelTime());
            }
            List<LogRegModel> models = h.extractOutputValues();
            model = models.get(models.size() - 1);
        }
        assertThat(model.binned().numericFeatures()).isEqualTo(ModelInputs.NUMERIC);

        List<PropensityScore> scores;
        try (var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new PropensityScorer(), UserFeatures::userId, Types.STRING, PropensityScorer.MODEL)) {
            h.processBroadcastElement(model, 0);
            for (UserFeatures f : fresh) {
                h.processElement(f, f.asOf());
            }
            scores = h.extractOutputValues();
        }
        assertThat(scores).extracting(PropensityScore::userId).containsExactly("opener", "other");
        assertThat(scores.get(0).score())
                .as("the user who opened an e-mail is served a higher purchase propensity")
                .isGreaterThan(scores.get(1).score() + 0.2);
    }
}
