package io.mailflow.campaigns;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.features.FeatureVector;
import io.mailflow.features.UserFeatures;
import io.mailflow.model.CampaignStatus;
import io.mailflow.model.ControlGroup;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Event;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recommendation;
import io.mailflow.model.SessionSummary;
import io.mailflow.recommendations.RecoList;
import io.mailflow.recommendations.Recommender;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.segmentation.SegmentAssignment;
import io.mailflow.testing.Events;
import io.mailflow.testing.TimerCountingOperator;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Harness tests of the trigger engine: every trigger, campaign changes while running, audiences, the
 * "why" on each request, and that state and timers are cleared (user facts are kept for
 * {@link #TTL}, so the tests that check for an empty state advance event time past it).
 */
class TriggerFunctionTest {
    static final long DAY = 24 * ONE_HOUR;
    static final long TTL = 2 * DAY;
    static final TriggerSettings SETTINGS =
            new TriggerSettings(ONE_HOUR, 30 * ONE_MINUTE, TTL, DAY, 3, Recommender.defaults());
    static final CampaignDefinition CART = Campaigns.of("abandoned-cart", "{type: abandoned-cart}");

    private KeyedBroadcastOperatorTestHarness<String, UserSignal, ControlMessage, EmailRequest> harness;
    private static TimerCountingOperator<String, UserSignal, ControlMessage, EmailRequest> operator;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    static KeyedBroadcastOperatorTestHarness<String, UserSignal, ControlMessage, EmailRequest> harness(
            List<CampaignDefinition> initial, OperatorSubtaskState restore) throws Exception {
        return harness(SETTINGS, initial, restore);
    }

    static KeyedBroadcastOperatorTestHarness<String, UserSignal, ControlMessage, EmailRequest> harness(
            TriggerSettings settings, List<CampaignDefinition> initial, OperatorSubtaskState restore) throws Exception {
        operator = new TimerCountingOperator<>(
                new TriggerFunction(settings, initial), List.of(Descriptors.CAMPAIGNS, Descriptors.RECOMMENDATIONS));
        KeyedBroadcastOperatorTestHarness<String, UserSignal, ControlMessage, EmailRequest> h =
                new KeyedBroadcastOperatorTestHarness<>(operator, UserSignal::userId, Types.STRING, 1, 1, 0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private void start(CampaignDefinition... initial) throws Exception {
        harness = harness(List.of(initial), null);
    }

    private void session(SessionSummary s) throws Exception {
        harness.processElement(UserSignal.of(s), s.end());
    }

    private void event(Event e) throws Exception {
        harness.processElement(UserSignal.of(e), e.timestamp());
    }

    private List<EmailRequest> requests() {
        return harness.extractOutputValues();
    }

    private void assertCleared(long now) throws Exception {
        harness.watermark(now + TTL + 2 * DAY);
        assertThat(operator.numKeyedStateEntries()).isZero();
        assertThat(operator.numEventTimeTimers()).isZero();
    }

    // ---- abandoned cart: the walking skeleton's rules, now as a campaign ----

    @Test
    void anErasureForgetsEverythingAndCancelsPendingTriggers() throws Exception {
        start(CART);
        long end = BEGINNING + 10 * ONE_MINUTE;
        session(session("u1", BEGINNING, end, 1, 0));
        assertThat(operator.numKeyedStateEntries()).isPositive();

        harness.processElement(UserSignal.erasure("u1"), end + 1);
        assertThat(operator.numKeyedStateEntries()).isZero();
        harness.watermark(end + 2 * ONE_HOUR);
        assertThat(requests())
                .as("the pending abandoned cart of an erased user is not e-mailed")
                .isEmpty();
    }

    // ---- catalog-driven triggers: the item watchers' facts become requests like any other trigger's ----

    @Test
    void aCatalogFactOfTheCampaignBecomesARequestWithTheItemAfterTheDelay() throws Exception {
        CampaignDefinition drop = Campaigns.of("price-drop", "{type: price-drop, minDropShare: 0.1, delay: 10min}");
        CampaignDefinition restock = Campaigns.of("back-in-stock", "{type: back-in-stock}");
        start(drop, restock);
        long at = BEGINNING + ONE_HOUR;
        harness.processElement(
                UserSignal.of("u1", new CatalogFact("price-drop", "PRICE_DROP", "sku-7", at, 50.0, 40.0, "USD")), at);
        harness.watermark(at + 10 * ONE_MINUTE - 1);
        assertThat(requests()).isEmpty();
        harness.watermark(at + 10 * ONE_MINUTE);
        assertThat(requests()).hasSize(1);
        EmailRequest r = requests().get(0);
        assertThat(r.campaignId()).isEqualTo("price-drop");
        assertThat(r.trigger()).isEqualTo("PRICE_DROP");
        assertThat(r.templateId()).isEqualTo("price-drop");
        assertThat(r.items()).containsExactly(new LineItem("sku-7", null, 50.0, 1, at));
        assertThat(r.currency()).isEqualTo("USD");
        assertThat(r.requestId()).isEqualTo(RequestIds.of("price-drop", "u1", "price-drop:sku-7:" + at));
        assertCleared(at);
    }

    @Test
    void aCatalogFactIsDecidedOnlyByItsOwnCampaign() throws Exception {
        CampaignDefinition restock = Campaigns.of("back-in-stock", "{type: back-in-stock}");
        CampaignDefinition other = Campaigns.of("other-restock", "{type: back-in-stock}");
        start(restock, other);
        long at = BEGINNING + ONE_HOUR;
        harness.processElement(
                UserSignal.of("u1", new CatalogFact("back-in-stock", "BACK_IN_STOCK", "sku-7", at, null, 9.0, "USD")),
                at);
        harness.watermark(at);
        assertThat(requests()).extracting(EmailRequest::campaignId).containsExactly("back-in-stock");
    }

    @Test
    void abandonedCartEmailsWhenNoPurchaseWithinTheDelay() throws Exception {
        start(CART);
        long end = BEGINNING + 10 * ONE_MINUTE;
        session(session("u1", BEGINNING, end, 1, 0));
        harness.watermark(end + ONE_HOUR - 1);
        assertThat(requests()).isEmpty();

        harness.watermark(end + ONE_HOUR);
        assertThat(requests()).hasSize(1);
        EmailRequest r = requests().get(0);
        assertThat(r.campaignId()).isEqualTo("abandoned-cart");
        assertThat(r.trigger()).isEqualTo("ABANDONED_CART");
        assertThat(r.templateId()).isEqualTo("abandoned-cart");
        assertThat(r.variant()).isEqualTo("A");
        assertThat(r.items()).extracting(LineItem::itemId).containsExactly("sku-0");
        assertThat(r.triggeredAt()).isEqualTo(end + ONE_HOUR);
        assertThat(r.requestId()).isEqualTo(RequestIds.of("abandoned-cart", "u1", "u1@" + BEGINNING));
        assertCleared(end);
    }

    @Test
    void purchaseWithinTheDelayCancelsEvenWhenItArrivesBeforeTheSummary() throws Exception {
        start(CART);
        long end = BEGINNING + 5 * ONE_MINUTE;
        event(Events.purchase("u1", "sku-0", 9.0, end + 40 * ONE_MINUTE));
        session(session("u1", BEGINNING, end, 1, 0));
        harness.watermark(end + 3 * ONE_HOUR);
        assertThat(requests()).isEmpty();
        assertCleared(end);
    }

    @Test
    void purchaseOutsideTheDelayDoesNotCancel() throws Exception {
        start(CART);
        long end = BEGINNING + 50 * ONE_MINUTE;
        event(Events.purchase("u1", "sku-9", 9.0, BEGINNING)); // before the session ended
        session(session("u1", BEGINNING + 40 * ONE_MINUTE, end, 1, 0));
        event(Events.purchase("u1", "sku-0", 9.0, end + 2 * ONE_HOUR)); // after the e-mail was due
        harness.watermark(end + 4 * ONE_HOUR);
        assertThat(requests()).hasSize(1);
        // already purchased items are never recommended; purchases are remembered for the TTL only
        assertCleared(end);
    }

    @Test
    void newerAbandonedSessionBeforeTheEmailWasDueSupersedesTheOlderOne() throws Exception {
        start(CART);
        long firstEnd = BEGINNING + 5 * ONE_MINUTE;
        long secondEnd = firstEnd + 45 * ONE_MINUTE;
        session(session("u1", BEGINNING, firstEnd, 1, 0));
        session(session("u1", secondEnd - ONE_MINUTE, secondEnd, 2, 0));
        harness.watermark(secondEnd + 2 * ONE_HOUR);
        assertThat(requests()).hasSize(1);
        assertThat(requests().get(0).items()).hasSize(2);
        assertThat(requests().get(0).sessionKey()).isEqualTo("u1@" + (secondEnd - ONE_MINUTE));
        assertCleared(secondEnd);
    }

    @Test
    void abandonedSessionsFurtherApartThanTheDelayEachGetAnEmail() throws Exception {
        start(CART);
        long firstEnd = BEGINNING + 5 * ONE_MINUTE;
        long secondEnd = firstEnd + 2 * ONE_HOUR;
        session(session("u1", BEGINNING, firstEnd, 1, 0));
        session(session("u1", secondEnd - ONE_MINUTE, secondEnd, 1, 0));
        harness.watermark(secondEnd + 2 * ONE_HOUR);
        assertThat(requests()).hasSize(2).extracting(EmailRequest::requestId).doesNotHaveDuplicates();
    }

    @Test
    void aSessionThatArrivesAfterTheWatermarkPassedItsDueTimeFiresAtTheNextWatermark() throws Exception {
        // possible when an idle input wakes up: event time already moved on through the other inputs
        start(CART);
        harness.watermark(BEGINNING + 2 * ONE_HOUR);
        session(session("u1", BEGINNING, BEGINNING + ONE_MINUTE, 1, 0));
        assertThat(requests()).isEmpty();
        harness.watermark(BEGINNING + 2 * ONE_HOUR + 1);
        assertThat(requests()).hasSize(1);
        assertThat(requests().get(0).triggeredAt()).isEqualTo(BEGINNING + ONE_MINUTE + ONE_HOUR);
    }

    @Test
    void withoutCampaignsNothingIsKept() throws Exception {
        start();
        session(session("u1", BEGINNING, BEGINNING + ONE_MINUTE, 1, 0));
        event(Events.cart("u1", "sku-1", 3.0, BEGINNING));
        event(Events.view("u1", "sku-1", BEGINNING));
        assertThat(operator.numKeyedStateEntries()).isZero();
        assertThat(operator.numEventTimeTimers()).isZero();
    }

    @Test
    void anActiveUserHasABoundedNumberOfHousekeepingTimers() throws Exception {
        start(CART, Campaigns.of("browse", "{type: browse-abandonment, minViews: 100, scope: item, window: 30min}"));
        // a busy user: a new score, a cart, a view and a purchase every minute for five hours
        for (int m = 0; m < 300; m++) {
            long t = BEGINNING + m * ONE_MINUTE;
            harness.processElement(UserSignal.of(new PropensityScore("u1", 0.1 + m / 1000.0, m, t)), t);
            event(Events.cart("u1", "sku-" + m, 3.0, t));
            event(Events.view("u1", "sku-" + m, t));
            event(Events.purchase("u1", "sku-" + m, 3.0, t));
        }
        // the facts and purchased items must be kept for the TTL, but one timer at the earliest expiry does
        assertThat(operator.numEventTimeTimers()).isLessThanOrEqualTo(3);
        harness.watermark(BEGINNING + 2 * ONE_HOUR);
        assertThat(operator.numEventTimeTimers()).isLessThanOrEqualTo(3);
        assertCleared(BEGINNING + 300 * ONE_MINUTE);
    }

    // ---- browse abandonment ----

    @Test
    void browseAbandonmentFiresOnTheNthViewWithinTheWindowUnlessTheUserCarts() throws Exception {
        start(Campaigns.of("browse", "{type: browse-abandonment, minViews: 3, scope: item, window: 30min, delay: 1h}"));
        long t = BEGINNING;
        event(Events.view("u1", "sku-1", t));
        event(Events.view("u1", "sku-1", t + 10 * ONE_MINUTE));
        event(Events.view("u1", "sku-1", t + 20 * ONE_MINUTE)); // 3rd view -> due at +1h20
        event(Events.view("u2", "sku-2", t));
        event(Events.view("u2", "sku-2", t + 10 * ONE_MINUTE));
        event(Events.view("u2", "sku-2", t + 20 * ONE_MINUTE));
        event(Events.cart("u2", "sku-2", 5.0, t + 50 * ONE_MINUTE)); // carting cancels
        event(Events.view("u3", "sku-3", t));
        event(Events.view("u3", "sku-3", t + 40 * ONE_MINUTE)); // outside the 30 min window: a new count
        event(Events.view("u3", "sku-3", t + 80 * ONE_MINUTE));
        harness.watermark(t + 3 * ONE_HOUR);

        assertThat(requests()).extracting(EmailRequest::userId).containsExactly("u1");
        EmailRequest r = requests().get(0);
        assertThat(r.trigger()).isEqualTo("BROWSE_ABANDONMENT");
        assertThat(r.items()).extracting(LineItem::itemId).containsExactly("sku-1");
        assertThat(r.triggeredAt()).isEqualTo(t + 80 * ONE_MINUTE);
        assertCleared(t);
    }

    // ---- win-back ----

    @Test
    void winBackFiresAfterInactivityAndItsTimerSurvivesARestart() throws Exception {
        start(Campaigns.of("win-back", "{type: win-back, inactivity: 30d}"));
        long end = BEGINNING + ONE_MINUTE;
        session(session("u1", BEGINNING, end, 0, 0));
        session(session("u2", BEGINNING, end, 0, 0));
        long later = end + 10 * DAY;
        session(session("u2", later - ONE_MINUTE, later, 0, 0)); // u2 came back: the clock restarts
        harness.watermark(end + 5 * DAY);

        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        harness = harness(List.of(Campaigns.of("win-back", "{type: win-back, inactivity: 30d}")), snapshot);

        harness.watermark(end + 30 * DAY);
        assertThat(requests()).extracting(EmailRequest::userId).containsExactly("u1");
        assertThat(requests().get(0).sessionKey()).isEqualTo("inactive-since@" + end);
        harness.watermark(later + 30 * DAY);
        assertThat(requests()).extracting(EmailRequest::userId).containsExactly("u1", "u2");
        assertCleared(later + 30 * DAY);
    }

    // ---- post-purchase cross-sell ----

    @Test
    void postPurchaseCrossSellsAfterTheDelayWithoutRecommendingWhatWasBought() throws Exception {
        start(Campaigns.of("cross-sell", "{type: post-purchase, delay: 2h}"));
        harness.processBroadcastElement(
                ControlMessage.of(
                        new RecoList("item:sku-0", List.of("sku-0b", "sku-1"), new double[] {0.9, 0.5}, 1, BEGINNING)),
                BEGINNING);
        long end = BEGINNING + 5 * ONE_MINUTE;
        event(Events.purchase("u1", "sku-1", 5.0, BEGINNING + ONE_MINUTE)); // bought earlier: excluded
        session(new SessionSummary(
                "u1@" + BEGINNING,
                "u1",
                BEGINNING,
                end,
                end - BEGINNING,
                1,
                0,
                0,
                0,
                0,
                0,
                1,
                5.0,
                "USD",
                1,
                List.of(),
                List.of(),
                List.of("sku-0"),
                List.of()));
        harness.watermark(end + 2 * ONE_HOUR);
        assertThat(requests()).hasSize(1);
        EmailRequest r = requests().get(0);
        assertThat(r.trigger()).isEqualTo("POST_PURCHASE");
        assertThat(r.items()).extracting(LineItem::itemId).containsExactly("sku-0");
        assertThat(r.recommendations()).extracting(Recommendation::itemId).containsExactly("sku-0b");
        assertThat(r.recommendations().get(0).source()).isEqualTo("co-occurrence");
        assertCleared(end);
    }

    // ---- segment entry and score threshold, with the "why" ----

    @Test
    void segmentEntryFiresWhenTheUserEntersATargetSegment() throws Exception {
        start(Campaigns.of("seg", "{type: segment-entry, segments: [2], delay: 10min}"));
        long t = BEGINNING;
        harness.processElement(UserSignal.of(new SegmentAssignment("u1", 1, 7, 0.5, t)), t);
        harness.processElement(UserSignal.of(new SegmentAssignment("u1", 2, 8, 0.4, t + ONE_HOUR)), t + ONE_HOUR);
        harness.processElement(
                UserSignal.of(new SegmentAssignment("u1", 2, 9, 0.4, t + 2 * ONE_HOUR)), t + 2 * ONE_HOUR); // no change
        harness.processElement(
                UserSignal.of(new SegmentAssignment("u2", 2, 8, 0.4, t)), t); // first assignment into 2: an entry
        harness.processElement(UserSignal.of(new SegmentAssignment("u3", 3, 8, 0.4, t)), t);
        harness.watermark(t + 3 * ONE_HOUR);
        assertThat(requests()).extracting(EmailRequest::userId).containsExactlyInAnyOrder("u1", "u2");
        EmailRequest u1 = requests().stream()
                .filter(r -> r.userId().equals("u1"))
                .findFirst()
                .orElseThrow();
        assertThat(u1.triggeredAt()).isEqualTo(t + ONE_HOUR + 10 * ONE_MINUTE);
        // the "why" is the user's segment when the decision was taken, with that assignment's model version
        assertThat(u1.segment()).isEqualTo(2);
        assertThat(u1.segmentModelVersion()).isEqualTo(9L);
        assertCleared(t + 2 * ONE_HOUR);
    }

    @Test
    void scoreThresholdFiresOnAnUpwardCrossingWithScoreAndModelVersion() throws Exception {
        start(Campaigns.of("hot", "{type: score-threshold, threshold: 0.6}"));
        long t = BEGINNING;
        harness.processElement(UserSignal.of(new PropensityScore("u1", 0.3, 4, t)), t);
        harness.processElement(UserSignal.of(new PropensityScore("u1", 0.7, 5, t + ONE_HOUR)), t + ONE_HOUR); // crossed
        harness.processElement(UserSignal.of(new PropensityScore("u1", 0.8, 6, t + 2 * ONE_HOUR)), t + 2 * ONE_HOUR);
        harness.processElement(UserSignal.of(new PropensityScore("u2", 0.9, 5, t)), t); // a first score crosses nothing
        harness.watermark(t + 3 * ONE_HOUR);
        assertThat(requests()).hasSize(1);
        EmailRequest r = requests().get(0);
        assertThat(r.userId()).isEqualTo("u1");
        assertThat(r.triggeredAt()).isEqualTo(t + ONE_HOUR);
        assertThat(r.score()).isEqualTo(0.8); // the latest score when the decision was taken
        assertThat(r.scoreModelVersion()).isEqualTo(6L);
        assertCleared(t + 2 * ONE_HOUR);
    }

    @Test
    void audienceConditionsOnSegmentScoreAndFeatures() throws Exception {
        start(
                Campaigns.of(
                        "vip-cart",
                        "{type: abandoned-cart}",
                        "audience: {segments: [1], minScore: 0.5, features: [{feature: events_purchase, op: '>=', value: 1}]}"));
        long t = BEGINNING;
        double[] buyer = new double[FeatureVector.SIZE];
        buyer[FeatureVector.EVENTS_OFFSET + 6] = 1.5;
        for (String u : List.of("in", "wrong-segment", "low-score", "no-purchases", "unknown")) {
            if (!u.equals("unknown")) {
                harness.processElement(
                        UserSignal.of(new SegmentAssignment(u, u.equals("wrong-segment") ? 2 : 1, 1, 0, t)), t);
                harness.processElement(
                        UserSignal.of(new PropensityScore(u, u.equals("low-score") ? 0.2 : 0.9, 1, t)), t);
                harness.processElement(
                        UserSignal.of(new UserFeatures(
                                u,
                                t,
                                u.equals("no-purchases") ? new double[FeatureVector.SIZE] : buyer,
                                new double[FeatureVector.SIZE],
                                FeatureVector.VERSION)),
                        t);
            }
            session(session(u, t, t + ONE_MINUTE, 1, 0));
        }
        harness.watermark(t + 2 * ONE_HOUR);
        assertThat(requests()).extracting(EmailRequest::userId).containsExactly("in");
        assertThat(requests().get(0).score()).isEqualTo(0.9);
        assertThat(requests().get(0).segment()).isEqualTo(1);
    }

    // ---- campaigns that change while the job runs ----

    @Test
    void pauseUpdateAndDeleteTakeEffectOnLaterDecisions() throws Exception {
        start();
        long t = BEGINNING;
        harness.processBroadcastElement(Campaigns.update(CART), t);
        session(session("u1", t, t + ONE_MINUTE, 1, 0));
        harness.watermark(t + 2 * ONE_HOUR);
        assertThat(requests()).hasSize(1);

        // pause while u2's cart is pending: the pending trigger is dropped at its due time
        session(session("u2", t + 2 * ONE_HOUR, t + 2 * ONE_HOUR + ONE_MINUTE, 1, 0));
        harness.processBroadcastElement(
                Campaigns.update(
                        Campaigns.of("abandoned-cart", "{type: abandoned-cart}", "version: 2", "status: paused")),
                t);
        harness.watermark(t + 4 * ONE_HOUR);
        assertThat(requests()).hasSize(1);

        // resume with another template and a shorter delay
        harness.processBroadcastElement(
                Campaigns.update(Campaigns.parse("id: abandoned-cart\nversion: 3\n"
                        + "trigger: {type: abandoned-cart, delay: 10min}\nvariants: [{id: B, template: cart-b}]")),
                t);
        session(session("u3", t + 4 * ONE_HOUR, t + 4 * ONE_HOUR + ONE_MINUTE, 1, 0));
        harness.watermark(t + 4 * ONE_HOUR + 11 * ONE_MINUTE);
        assertThat(requests()).hasSize(2);
        assertThat(requests().get(1).templateId()).isEqualTo("cart-b");
        assertThat(requests().get(1).variant()).isEqualTo("B");
        assertThat(requests().get(1).campaignVersion()).isEqualTo(3L);

        // an older version is ignored; a deletion stops the campaign
        harness.processBroadcastElement(
                Campaigns.update(Campaigns.of("abandoned-cart", "{type: abandoned-cart}", "version: 1")), t);
        harness.processBroadcastElement(
                Campaigns.update(
                        Campaigns.of("abandoned-cart", "{type: abandoned-cart}", "version: 4", "status: deleted")),
                t);
        session(session("u4", t + 5 * ONE_HOUR, t + 5 * ONE_HOUR + ONE_MINUTE, 1, 0));
        harness.watermark(t + 7 * ONE_HOUR);
        assertThat(requests()).hasSize(2);

        List<String> statuses = new ArrayList<>();
        for (StreamRecord<CampaignStatus> s : harness.getSideOutput(Tags.CAMPAIGN_STATUS)) {
            statuses.add(s.getValue().version() + ":" + s.getValue().status());
        }
        assertThat(statuses).containsExactly("1:ACTIVE", "2:PAUSED", "3:ACTIVE", "1:STALE", "4:DELETED");
    }

    @Test
    void aDeletedInitialCampaignDoesNotComeBack() throws Exception {
        start(CART);
        harness.processBroadcastElement(
                Campaigns.update(
                        Campaigns.of("abandoned-cart", "{type: abandoned-cart}", "version: 2", "status: deleted")),
                BEGINNING);
        session(session("u1", BEGINNING, BEGINNING + ONE_MINUTE, 1, 0));
        harness.watermark(BEGINNING + 3 * ONE_HOUR);
        assertThat(requests()).isEmpty();
    }

    // ---- experiments ----

    @Test
    void holdoutAndVariantsAreDeterministicPerUserAndCampaign() throws Exception {
        CampaignDefinition ab = Campaigns.parse(
                "id: ab\ntrigger: {type: abandoned-cart}\nholdoutPercent: 20\n"
                        + "variants: [{id: A, weight: 3, template: a}, {id: B, weight: 1, template: b, templates: {zh-CN: b-zh}}]");
        start(ab);
        for (int i = 0; i < 400; i++) {
            session(session("user-" + i, BEGINNING, BEGINNING + ONE_MINUTE, 1, 0));
        }
        harness.watermark(BEGINNING + 2 * ONE_HOUR);
        List<EmailRequest> out = requests();
        assertThat(out).hasSize(400);
        long holdout = out.stream().filter(EmailRequest::holdout).count();
        long b = out.stream().filter(r -> r.variant().equals("B")).count();
        assertThat(holdout).isBetween(50L, 110L); // 20 % of 400 = 80
        assertThat(b).isBetween(70L, 130L); // 25 % of 400 = 100
        for (EmailRequest r : out) {
            assertThat(r.holdout()).isEqualTo(Experiments.holdout(r.userId(), ab));
            assertThat(r.variant()).isEqualTo(Experiments.byHash(r.userId(), ab).id());
        }
        EmailRequest someB =
                out.stream().filter(r -> r.variant().equals("B")).findFirst().orElseThrow();
        assertThat(someB.templateFor("zh-CN")).isEqualTo("b-zh");
        assertThat(someB.templateFor("en")).isEqualTo("b");
    }

    @Test
    void globalControlGroupUsersAreHoldoutsOfEveryCampaignUnderTheReservedVariant() throws Exception {
        ControlGroup group = new ControlGroup(25.0, "test-salt");
        TriggerSettings withControl =
                new TriggerSettings(ONE_HOUR, 30 * ONE_MINUTE, TTL, DAY, 3, Recommender.defaults(), group);
        CampaignDefinition ab = Campaigns.parse("id: ab\ntrigger: {type: abandoned-cart}\nholdoutPercent: 20\n"
                + "variants: [{id: A, weight: 1, template: a}, {id: B, weight: 1, template: b}]");
        harness = harness(withControl, List.of(ab), null);
        for (int i = 0; i < 400; i++) {
            session(session("user-" + i, BEGINNING, BEGINNING + ONE_MINUTE, 1, 0));
        }
        harness.watermark(BEGINNING + 2 * ONE_HOUR);
        List<EmailRequest> out = requests();
        assertThat(out).hasSize(400); // every trigger is decided: the control group's as holdouts
        long control =
                out.stream().filter(r -> ControlGroup.isControl(r.variant())).count();
        assertThat(control).isBetween(70L, 130L); // 25 % of 400 = 100
        for (EmailRequest r : out) {
            boolean in = Experiments.inControlGroup(r.userId(), group);
            assertThat(ControlGroup.isControl(r.variant())).as(r.userId()).isEqualTo(in);
            // a control-group user is never mailed; everyone else keeps the campaign's own holdout and variant
            assertThat(r.holdout()).isEqualTo(in || Experiments.holdout(r.userId(), ab));
            if (!in) {
                assertThat(r.variant())
                        .isEqualTo(Experiments.byHash(r.userId(), ab).id());
            }
        }
    }

    /** A session with {@code cartItems} items left in the cart and {@code purchases} purchases. */
    static SessionSummary session(String user, long start, long end, int cartItems, int purchases) {
        List<LineItem> items = new ArrayList<>();
        for (int i = 0; i < cartItems; i++) {
            items.add(new LineItem("sku-" + i, "cat-1", 10.0, 1, end));
        }
        return new SessionSummary(
                user + "@" + start,
                user,
                start,
                end,
                end - start,
                1,
                0,
                0,
                cartItems,
                0,
                0,
                purchases,
                purchases * 10.0,
                "USD",
                1,
                List.of(),
                List.copyOf(items),
                List.of(),
                List.of());
    }
}
