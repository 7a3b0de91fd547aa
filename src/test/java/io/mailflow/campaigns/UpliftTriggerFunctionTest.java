package io.mailflow.campaigns;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.features.FeatureVector;
import io.mailflow.features.UserFeatures;
import io.mailflow.model.EmailRequest;
import io.mailflow.scoring.CampaignUpliftModel;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.UpliftExample;
import io.mailflow.scoring.UpliftModel;
import io.mailflow.testing.Events;
import io.mailflow.testing.TimerCountingOperator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Uplift targeting in the trigger operator (issue 16): 200 users abandon a cart; half of them have a feature that
 * the campaign's uplift model says the e-mail changes, half one it says it does not. The random holdout and the
 * exploration share are always kept, users below the threshold get no request, every request carries the decision,
 * score and model version, every decision comes back as one outcome for the trainer, and nothing is left behind.
 */
class UpliftTriggerFunctionTest {
    static final CampaignDefinition TARGETED = Campaigns.parse("""
            id: cart
            trigger: {type: abandoned-cart, delay: 1h}
            variants: [{id: A, weight: 1, template: abandoned-cart}]
            holdoutPercent: 20
            targeting: {uplift: {minUplift: 0.05, exploration: 0.2}}
            """);
    static final long ABANDONED = BEGINNING + 10 * ONE_MINUTE;
    static final long DUE = ABANDONED + ONE_HOUR;
    /** TriggerFunctionTest.SETTINGS: an attribution window of one day. */
    static final long WINDOW = 24 * ONE_HOUR;

    static final int USERS = 200;

    private KeyedBroadcastOperatorTestHarness<String, UserSignal, ControlMessage, EmailRequest> harness;
    private TimerCountingOperator<String, UserSignal, ControlMessage, EmailRequest> operator;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void start(CampaignDefinition c, OperatorSubtaskState restore) throws Exception {
        start(c, restore, true);
    }

    private void start(CampaignDefinition c, OperatorSubtaskState restore, boolean learning) throws Exception {
        operator = new TimerCountingOperator<>(
                new TriggerFunction(TriggerFunctionTest.SETTINGS.withUpliftLearning(learning), List.of(c)),
                List.of(
                        Descriptors.CAMPAIGNS,
                        Descriptors.RECOMMENDATIONS,
                        Descriptors.VARIANT_TOTALS,
                        Descriptors.UPLIFT_MODELS));
        harness = new KeyedBroadcastOperatorTestHarness<>(operator, UserSignal::userId, Types.STRING, 1, 1, 0);
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
    }

    /** Even users are "persuadable" (feature 0 = 1), odd ones not (feature 0 = -1). */
    static String user(int i) {
        return "u" + i;
    }

    static boolean persuadable(String user) {
        return Integer.parseInt(user.substring(1)) % 2 == 0;
    }

    static double[] features(String user) {
        double[] x = new double[FeatureVector.SIZE];
        x[0] = persuadable(user) ? 1 : -1;
        return x;
    }

    /** Treated: sigmoid(2 x0 - 2); control: sigmoid(-2). Uplift about +0.38 for x0 = 1, about -0.10 for x0 = -1. */
    static CampaignUpliftModel model(long version) {
        double[] t = new double[FeatureVector.SIZE];
        t[0] = 2;
        return new CampaignUpliftModel(
                "cart",
                new UpliftModel(
                        version,
                        new LogRegModel(version, t, -2, 1000),
                        new LogRegModel(version, new double[FeatureVector.SIZE], -2, 1000)));
    }

    private List<EmailRequest> abandonCarts() throws Exception {
        for (int i = 0; i < USERS; i++) {
            String u = user(i);
            harness.processElement(
                    UserSignal.of(new UserFeatures(u, BEGINNING, features(u), features(u), FeatureVector.VERSION)),
                    BEGINNING);
            harness.processElement(
                    UserSignal.of(TriggerFunctionTest.session(u, BEGINNING, ABANDONED, 1, 0)), ABANDONED);
        }
        harness.watermark(DUE);
        return harness.extractOutputValues();
    }

    private List<UpliftExample> examples() {
        List<UpliftExample> out = new ArrayList<>();
        var side = harness.getSideOutput(Descriptors.UPLIFT_EXAMPLES);
        if (side != null) {
            side.forEach(r -> out.add(((StreamRecord<UpliftExample>) r).getValue()));
            side.clear();
        }
        return out;
    }

    @Test
    void withoutAModelEveryNonHoldoutUserIsEmailedAsBefore() throws Exception {
        start(TARGETED, null);
        List<EmailRequest> sent = abandonCarts();
        assertThat(sent).hasSize(USERS);
        for (EmailRequest r : sent) {
            boolean holdout = Experiments.holdout(r.userId(), TARGETED);
            assertThat(r.holdout()).isEqualTo(holdout);
            assertThat(r.uplift().outcome()).isEqualTo(holdout ? "HOLDOUT" : "UNTARGETED");
            assertThat(r.uplift().score()).isNull();
            assertThat(r.uplift().modelVersion()).isZero();
            assertThat(r.uplift().propensity()).isEqualTo(0.8);
        }
    }

    @Test
    void holdoutAndExplorationAreKeptAndUsersBelowTheThresholdAreNotEmailed() throws Exception {
        start(TARGETED, null);
        harness.processBroadcastElement(ControlMessage.of(model(7)), 0);
        Map<String, EmailRequest> sent =
                abandonCarts().stream().collect(Collectors.toMap(EmailRequest::userId, Function.identity()));

        int holdouts = 0;
        int explored = 0;
        int notSent = 0;
        for (int i = 0; i < USERS; i++) {
            String u = user(i);
            EmailRequest r = sent.get(u);
            if (Experiments.holdout(u, TARGETED)) {
                holdouts++;
                assertThat(r)
                        .as("the random holdout is kept whatever the score: " + u)
                        .isNotNull();
                assertThat(r.holdout()).isTrue();
                assertThat(r.uplift().outcome()).isEqualTo("HOLDOUT");
            } else if (Experiments.bucket("explore", "cart", u) < 0.2) {
                explored++;
                assertThat(r)
                        .as("the exploration share is e-mailed whatever the score: " + u)
                        .isNotNull();
                assertThat(r.holdout()).isFalse();
                assertThat(r.uplift().outcome()).isEqualTo("EXPLORED");
            } else if (persuadable(u)) {
                assertThat(r.uplift().outcome()).isEqualTo("TARGETED");
                assertThat(r.holdout()).isFalse();
            } else {
                notSent++;
                assertThat(r)
                        .as("predicted uplift below the threshold: no request for " + u)
                        .isNull();
            }
            if (r != null) {
                assertThat(r.uplift().modelVersion()).isEqualTo(7);
                assertThat(r.uplift().score()).isCloseTo(persuadable(u) ? 0.3808 : -0.1012, within(1e-3));
                assertThat(r.uplift().propensity()).isCloseTo(persuadable(u) ? 0.8 : 0.8 * 0.2, within(1e-9));
            }
        }
        assertThat(holdouts).as("some users in the holdout").isBetween(20, 60);
        assertThat(explored).as("some users explored").isBetween(15, 50);
        assertThat(notSent).isBetween(40, 90);
        assertThat(sent).hasSize(USERS - notSent);
        assertThat(operator.counter("upliftNotTargeted")).isEqualTo(notSent);
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }

    @Test
    void everyDecisionBecomesOneOutcomeOfItsArmAndNothingIsLeftBehind() throws Exception {
        start(TARGETED, null);
        harness.processBroadcastElement(ControlMessage.of(model(7)), 0);
        Map<String, EmailRequest> sent =
                abandonCarts().stream().collect(Collectors.toMap(EmailRequest::userId, Function.identity()));
        // users 0..49 buy within the window, 50..59 just after it
        for (int i = 0; i < 60; i++) {
            long at = i < 50 ? DUE + 10 * ONE_MINUTE : DUE + WINDOW + ONE_HOUR;
            harness.processElement(UserSignal.of(Events.purchase(user(i), "sku-9", 5.0, at)), at);
        }
        harness.watermark(DUE + WINDOW + 2 * ONE_HOUR);
        List<UpliftExample> outcomes = examples();
        assertThat(outcomes).hasSize(USERS);
        Map<Boolean, Long> treated =
                outcomes.stream().collect(Collectors.groupingBy(UpliftExample::treated, Collectors.counting()));
        assertThat(treated.get(true))
                .as("treated examples are the users who got an e-mail")
                .isEqualTo(sent.values().stream().filter(r -> !r.holdout()).count());
        for (UpliftExample e : outcomes) {
            assertThat(e.features()).as("the features the decision saw").hasSize(FeatureVector.SIZE);
            assertThat(Math.abs(e.features()[0])).isEqualTo(1.0);
            assertThat(e.propensity()).isCloseTo(e.features()[0] > 0 ? 0.8 : 0.16, within(1e-9));
            assertThat(e.campaignId()).isEqualTo("cart");
            assertThat(e.decisionTime()).isEqualTo(DUE);
        }
        assertThat(outcomes.stream().filter(e -> e.label() == 1.0).count())
                .as("only purchases within the attribution window count")
                .isEqualTo(50);

        harness.watermark(DUE + 400 * 24 * ONE_HOUR);
        assertThat(operator.numKeyedStateEntries()).isZero();
        assertThat(operator.numEventTimeTimers()).isZero();
    }

    @Test
    void withoutUpliftLearningNoDecisionIsKeptForAnOutcome() throws Exception {
        start(TARGETED, null, false);
        harness.processBroadcastElement(ControlMessage.of(model(7)), 0);
        List<EmailRequest> sent = abandonCarts();
        assertThat(sent).isNotEmpty().hasSizeLessThan(USERS);
        harness.watermark(DUE + WINDOW + 2 * ONE_HOUR);
        assertThat(examples()).isEmpty();
        // the users' facts and housekeeping remain, but no uplift-pending entry or its timer
        harness.watermark(DUE + 400 * 24 * ONE_HOUR);
        assertThat(operator.numKeyedStateEntries()).isZero();
        assertThat(operator.numEventTimeTimers()).isZero();
    }

    @Test
    void anErasureForgetsTheWaitingDecisionsAndTheirFeatures() throws Exception {
        start(TARGETED, null);
        harness.processBroadcastElement(ControlMessage.of(model(7)), 0);
        abandonCarts();
        harness.processElement(UserSignal.erasure("u0"), DUE + 1);
        harness.watermark(DUE + WINDOW + 2 * ONE_HOUR);
        assertThat(examples()).as("the erased user's decision is never learned").hasSize(USERS - 1);
        for (int i = 1; i < USERS; i++) {
            harness.processElement(UserSignal.erasure(user(i)), DUE + WINDOW + 2 * ONE_HOUR);
        }
        assertThat(operator.numKeyedStateEntries()).isZero();
    }

    @Test
    void anOlderModelVersionChangesNothingAndARestoreKeepsTheModel() throws Exception {
        start(TARGETED, null);
        harness.processBroadcastElement(ControlMessage.of(model(7)), 0);
        harness.processBroadcastElement(ControlMessage.of(model(3)), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        start(TARGETED, snapshot);
        List<EmailRequest> sent = abandonCarts();
        assertThat(sent)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.uplift().modelVersion()).isEqualTo(7));
        assertThat(sent).hasSizeLessThan(USERS);
    }

    @Test
    void aTopShareTargetsTheHighestRecentScores() throws Exception {
        CampaignDefinition share = Campaigns.parse("""
                id: cart
                trigger: {type: abandoned-cart, delay: 1h}
                variants: [{id: A, weight: 1, template: abandoned-cart}]
                holdoutPercent: 20
                targeting: {uplift: {topShare: 0.3, exploration: 0.2}}
                """);
        start(share, null);
        harness.processBroadcastElement(ControlMessage.of(model(7)), 0);
        List<EmailRequest> sent = abandonCarts();
        long targetedLow = sent.stream()
                .filter(r -> r.uplift().outcome().equals("TARGETED") && !persuadable(r.userId()))
                .count();
        long targetedHigh = sent.stream()
                .filter(r -> r.uplift().outcome().equals("TARGETED") && persuadable(r.userId()))
                .count();
        // half the scores are high: the top 30 % of recent scores are high ones, except while the history is
        // only a few low scores (the first user decides against an empty history: everyone)
        assertThat(targetedLow).isLessThanOrEqualTo(3);
        assertThat(targetedHigh).isGreaterThan(30);
    }
}
