package io.mailflow.guardrails;

import static io.mailflow.guardrails.QuietHoursTest.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.CampaignEvent;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.ControlGroup;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Recipient;
import io.mailflow.model.SendRules;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Harness tests of the guardrail operator: defer versus drop, quiet hours per zone, caps, cooldown, holdout, duplicates. */
class GuardrailFunctionTest {
    static final long H = 3_600_000L;
    static final long DAY = 24 * H;
    static final long NOON = at("2025-06-10T10:00:00Z"); // 12:00 in Berlin
    static final SendRules NO_RULES = SendRules.none();

    private KeyedTwoInputStreamOperatorTestHarness<String, AddressedRequest, ContactUpdate, AddressedRequest> harness;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    void start(int maxPerDay, boolean deferByDefault) throws Exception {
        GuardrailPolicy policy = new GuardrailPolicy(
                new FrequencyCap(maxPerDay, DAY),
                new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0)),
                deferByDefault ? io.mailflow.model.LimitAction.DEFER : io.mailflow.model.LimitAction.DROP,
                3 * DAY);
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new GuardrailFunction(policy)),
                a -> a.request().userId(),
                ContactUpdate::userId,
                Types.STRING);
        harness.open();
    }

    static AddressedRequest request(
            String id, String campaign, String user, String zone, long at, SendRules rules, boolean holdout) {
        return request(id, campaign, user, zone, at, rules, holdout, "A");
    }

    static AddressedRequest request(
            String id,
            String campaign,
            String user,
            String zone,
            long at,
            SendRules rules,
            boolean holdout,
            String variant) {
        EmailRequest r = new EmailRequest(
                id,
                campaign,
                "ABANDONED_CART",
                "cart",
                user,
                at,
                "s",
                List.of(),
                "USD",
                1L,
                variant,
                holdout,
                null,
                null,
                null,
                null,
                List.of(),
                Map.of("zh-CN", "cart-zh"),
                rules,
                at);
        return new AddressedRequest(
                r, new Recipient(user + "@example.com", user, zone.equals("Asia/Shanghai") ? "zh-CN" : "en", zone));
    }

    void send(AddressedRequest a) throws Exception {
        harness.processElement1(a, a.request().triggeredAt());
    }

    List<String> released() {
        List<String> out = new ArrayList<>();
        for (AddressedRequest a : harness.extractOutputValues()) {
            out.add(a.request().requestId() + "@" + a.request().scheduledAt());
        }
        return out;
    }

    List<String> events() {
        List<String> out = new ArrayList<>();
        for (StreamRecord<CampaignEvent> e : harness.getSideOutput(Tags.CAMPAIGN_EVENTS)) {
            out.add(e.getValue().requestId() + ":" + e.getValue().outcome()
                    + (e.getValue().reason().isEmpty() ? "" : ":" + e.getValue().reason()));
        }
        return out;
    }

    void assertCleared() throws Exception {
        harness.processBothWatermarks(new Watermark(Long.MAX_VALUE - 1));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void releasesInTheDaytimeAndResolvesTheLocaleTemplate() throws Exception {
        start(3, true);
        send(request("r1", "c", "ann", "Europe/Berlin", NOON, NO_RULES, false));
        send(request("r2", "c", "chen", "Asia/Shanghai", NOON, NO_RULES, false)); // 18:00 in Shanghai
        assertThat(released()).containsExactly("r1@" + NOON, "r2@" + NOON);
        assertThat(harness.extractOutputValues().get(0).request().templateId()).isEqualTo("cart");
        assertThat(harness.extractOutputValues().get(1).request().templateId()).isEqualTo("cart-zh");
        assertThat(events()).containsExactly("r1:RELEASED", "r2:RELEASED");
        assertCleared();
    }

    @Test
    void quietHoursDeferToTheRecipientsMorningInTheirOwnZone() throws Exception {
        start(3, true);
        long t = at("2025-06-10T20:00:00Z"); // 22:00 Berlin, 16:00 New York, 04:00 Shanghai
        send(request("berlin", "c", "ann", "Europe/Berlin", t, NO_RULES, false));
        send(request("ny", "c", "bob", "America/New_York", t, NO_RULES, false));
        send(request("sh", "c", "chen", "Asia/Shanghai", t, NO_RULES, false));
        assertThat(released()).containsExactly("ny@" + t);
        assertThat(events())
                .contains("berlin:DEFERRED:quiet hours in Europe/Berlin", "sh:DEFERRED:quiet hours in Asia/Shanghai");

        harness.processBothWatermarks(new Watermark(at("2025-06-11T00:00:00Z"))); // 08:00 Shanghai
        assertThat(released()).containsExactly("ny@" + t, "sh@" + at("2025-06-11T00:00:00Z"));
        harness.processBothWatermarks(new Watermark(at("2025-06-11T06:00:00Z"))); // 08:00 Berlin (CEST)
        assertThat(released()).endsWith("berlin@" + at("2025-06-11T06:00:00Z"));
        assertCleared();
    }

    @Test
    void anUnsubscribeOrErasureWhileDeferredCancelsTheSend() throws Exception {
        start(3, true);
        long t = at("2025-06-10T20:00:00Z"); // 22:00 Berlin: quiet hours
        send(request("r1", "c", "ann", "Europe/Berlin", t, NO_RULES, false));
        send(request("r2", "c", "eve", "Europe/Berlin", t, NO_RULES, false));
        assertThat(events())
                .contains("r1:DEFERRED:quiet hours in Europe/Berlin", "r2:DEFERRED:quiet hours in Europe/Berlin");

        harness.processElement2(ContactUpdate.suppress("ann", "UNSUBSCRIBED", t + 1), t + 1);
        harness.processElement2(ContactUpdate.erase("eve", t + 2), t + 2);
        harness.processBothWatermarks(new Watermark(at("2025-06-11T12:00:00Z")));

        assertThat(released()).isEmpty();
        assertThat(events()).contains("r1:DROPPED:user suppressed (UNSUBSCRIBED)", "r2:DROPPED:user erased");
        assertCleared();
    }

    @Test
    void aCampaignTypeUnsubscribeWhileDeferredCancelsThatTypeOnlyAndAResubscriptionNothing() throws Exception {
        start(3, true);
        long t = at("2025-06-10T20:00:00Z"); // 22:00 Berlin: quiet hours
        send(request("r1", "c", "ann", "Europe/Berlin", t, NO_RULES, false)); // abandoned-cart e-mails
        send(request("r2", "c", "bob", "Europe/Berlin", t, NO_RULES, false));
        harness.processElement2(ContactUpdate.resubscribe("ann", null, t + 1), t + 1);
        harness.processElement2(ContactUpdate.unsubscribeFrom("ann", "abandoned-cart", t + 2), t + 2);
        harness.processElement2(ContactUpdate.unsubscribeFrom("bob", "win-back", t + 1), t + 1);
        harness.processBothWatermarks(new Watermark(at("2025-06-11T12:00:00Z")));
        assertThat(released()).hasSize(1).allSatisfy(r -> assertThat(r).startsWith("r2@"));
        assertThat(events()).contains("r1:DROPPED:user unsubscribed from abandoned-cart e-mails");
        assertCleared();
    }

    @Test
    void withdrawingConsentWhileDeferredCancelsTheSend() throws Exception {
        start(3, true);
        long t = at("2025-06-10T20:00:00Z"); // 22:00 Berlin: quiet hours
        send(request("r1", "c", "ann", "Europe/Berlin", t, NO_RULES, false));
        send(request("r2", "c", "bob", "Europe/Berlin", t, NO_RULES, false));
        harness.processElement2(
                ContactUpdate.profile(new io.mailflow.model.UserProfile(
                        "ann", "ann@example.com", "Ann", "en", "Europe/Berlin", false, t + 1)),
                t + 1);
        harness.processElement2(
                ContactUpdate.profile(new io.mailflow.model.UserProfile(
                        "bob", "bob@example.com", "Bob", "en", "Europe/Berlin", true, t + 1)),
                t + 1);
        harness.processBothWatermarks(new Watermark(at("2025-06-11T12:00:00Z")));

        assertThat(released()).containsExactly("r2@" + at("2025-06-11T06:00:00Z"));
        assertThat(events()).contains("r1:DROPPED:user withdrew consent");
        assertCleared();
    }

    @Test
    void quietHoursAcrossTheSpringForwardNight() throws Exception {
        start(3, true);
        long t = at("2025-03-29T22:30:00Z"); // 23:30 CET, the night clocks go forward
        send(request("r", "c", "ann", "Europe/Berlin", t, NO_RULES, false));
        harness.processBothWatermarks(new Watermark(at("2025-03-30T05:59:59Z")));
        assertThat(released()).isEmpty();
        harness.processBothWatermarks(new Watermark(at("2025-03-30T06:00:00Z"))); // 08:00 CEST, not 07:00 UTC
        assertThat(released()).containsExactly("r@" + at("2025-03-30T06:00:00Z"));
    }

    @Test
    void quietHoursDropInsteadOfDeferringWhenConfigured() throws Exception {
        start(3, false);
        long t = at("2025-06-10T20:00:00Z");
        send(request("r", "c", "ann", "Europe/Berlin", t, NO_RULES, false));
        // a campaign can override the job default
        send(request("r2", "c2", "ann", "Europe/Berlin", t, new SendRules(0, 0, 0, 0, "defer"), false));
        assertThat(events())
                .containsExactly("r:DROPPED:quiet hours in Europe/Berlin", "r2:DEFERRED:quiet hours in Europe/Berlin");
        assertCleared();
        assertThat(released()).containsExactly("r2@" + at("2025-06-11T06:00:00Z"));
    }

    @Test
    void globalFrequencyCapDefersToWhenTheOldestSendLeavesTheWindow() throws Exception {
        start(2, true);
        send(request("a", "c1", "ann", "UTC", NOON, NO_RULES, false));
        send(request("b", "c2", "ann", "UTC", NOON + H, NO_RULES, false));
        send(request("c", "c3", "ann", "UTC", NOON + 2 * H, NO_RULES, false)); // third within a day
        assertThat(released()).containsExactly("a@" + NOON, "b@" + (NOON + H));
        assertThat(events()).contains("c:DEFERRED:frequency cap");
        harness.processBothWatermarks(new Watermark(NOON + DAY));
        assertThat(released()).containsExactly("a@" + NOON, "b@" + (NOON + H), "c@" + (NOON + DAY));
        assertCleared();
    }

    @Test
    void frequencyCapDropsInDropMode() throws Exception {
        start(1, false);
        send(request("a", "c1", "ann", "UTC", NOON, NO_RULES, false));
        send(request("b", "c2", "ann", "UTC", NOON + H, NO_RULES, false));
        assertThat(events()).containsExactly("a:RELEASED", "b:DROPPED:frequency cap");
        assertCleared();
    }

    @Test
    void aCapThatPushesIntoQuietHoursDefersToTheMorning() throws Exception {
        start(1, true);
        long evening = at("2025-06-10T18:00:00Z"); // 18:00 UTC; the next allowed moment by the cap is 18:00 tomorrow...
        send(request("a", "c1", "ann", "UTC", at("2025-06-10T06:00:00Z") + 16 * H, NO_RULES, false)); // 22:00: quiet
        send(request("b", "c2", "bob", "UTC", evening, NO_RULES, false));
        send(request("c", "c3", "bob", "UTC", evening + H, NO_RULES, false)); // cap: 18:00 next day
        harness.processBothWatermarks(new Watermark(at("2025-06-12T00:00:00Z")));
        assertThat(released()).contains("a@" + at("2025-06-11T08:00:00Z"), "c@" + (evening + DAY));
    }

    @Test
    void perCampaignCapAndCooldown() throws Exception {
        start(10, true);
        SendRules capped = new SendRules(0, 0, 1, DAY, "");
        SendRules cooldown = new SendRules(0, 2 * DAY, 0, 0, "");
        send(request("a1", "a", "ann", "UTC", NOON, capped, false));
        send(request("a2", "a", "ann", "UTC", NOON + H, capped, false)); // same campaign: deferred a day
        send(request("x1", "x", "ann", "UTC", NOON + H, NO_RULES, false)); // another campaign is not capped by it
        send(request("k1", "k", "ann", "UTC", NOON, cooldown, false));
        send(request("k2", "k", "ann", "UTC", NOON + DAY, cooldown, false)); // within the 2-day cooldown: dropped
        assertThat(events())
                .contains("a2:DEFERRED:campaign frequency cap", "x1:RELEASED", "k2:DROPPED:cooldown of campaign k");
        harness.processBothWatermarks(new Watermark(NOON + DAY));
        assertThat(released()).contains("a2@" + (NOON + DAY));
        assertCleared();
    }

    @Test
    void aGlobalControlGroupUsersRequestIsAHoldoutDecisionWithItsReason() throws Exception {
        start(1, true);
        send(request("g", "c", "ann", "UTC", NOON, NO_RULES, true, ControlGroup.VARIANT));
        send(request("h", "c", "ben", "UTC", NOON, NO_RULES, true));
        assertThat(released()).isEmpty();
        assertThat(events()).containsExactly("g:HOLDOUT:" + ControlGroup.REASON, "h:HOLDOUT");
    }

    @Test
    void holdoutIsRecordedButNotMailedAndDoesNotUseUpTheCap() throws Exception {
        start(1, true);
        send(request("h", "c", "ann", "UTC", NOON, NO_RULES, true));
        send(request("m", "d", "ann", "UTC", NOON + H, NO_RULES, false));
        assertThat(released()).containsExactly("m@" + (NOON + H));
        assertThat(events()).containsExactly("h:HOLDOUT", "m:RELEASED");
        assertCleared();
    }

    @Test
    void aRequestIdIsReleasedAtMostOnce() throws Exception {
        start(5, true);
        send(request("r", "c", "ann", "UTC", NOON, NO_RULES, false));
        send(request("r", "c", "ann", "UTC", NOON, NO_RULES, false));
        long night = at("2025-06-10T23:00:00Z");
        send(request("q", "c", "bob", "UTC", night, NO_RULES, false));
        send(request("q", "c", "bob", "UTC", night, NO_RULES, false)); // duplicate while deferred
        harness.processBothWatermarks(new Watermark(night + DAY));
        assertThat(released()).containsExactly("r@" + NOON, "q@" + at("2025-06-11T08:00:00Z"));
        assertThat(events()).contains("r:DROPPED:duplicate request id", "q:DROPPED:duplicate request id");
    }

    @Test
    void deferralsBeyondTheLimitAreDroppedAndPriorityOrdersReleases() throws Exception {
        start(1, true);
        long night = at("2025-06-10T23:00:00Z");
        send(request("low", "c1", "ann", "UTC", night, new SendRules(1, 0, 0, 0, ""), false));
        send(request("high", "c2", "ann", "UTC", night + 1, new SendRules(9, 0, 0, 0, ""), false));
        harness.processBothWatermarks(new Watermark(at("2025-06-11T08:00:00Z")));
        // both were due at 08:00; the higher priority goes first, the other waits for the cap
        assertThat(released()).containsExactly("high@" + at("2025-06-11T08:00:00Z"));
        for (int i = 0; i < 3; i++) {
            send(request("more" + i, "c3", "ann", "UTC", at("2025-06-11T09:00:00Z") + i, NO_RULES, false));
        }
        harness.processBothWatermarks(new Watermark(at("2025-06-20T00:00:00Z")));
        assertThat(events()).anySatisfy(e -> assertThat(e).contains("beyond the maximum deferral"));
        assertCleared();
    }

    @Test
    void aTriggerOlderThanItsCampaignsMaxAgeByTheWallClockIsDroppedAndCounted() throws Exception {
        GuardrailPolicy policy = new GuardrailPolicy(
                FrequencyCap.none(),
                new QuietHours(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT),
                io.mailflow.model.LimitAction.DEFER,
                3 * DAY);
        // the wall clock is a day after the backlog's first trigger
        GuardrailFunction function = new GuardrailFunction(policy, WallClock.fixed(NOON + DAY));
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(function), a -> a.request().userId(), ContactUpdate::userId, Types.STRING);
        harness.open();
        SendRules hour = new SendRules(0, 0L, 0, 0L, "", H, false);
        send(request("old", "cart", "u1", "UTC", NOON, hour, false));
        send(request("fresh", "cart", "u2", "UTC", NOON + DAY - H / 2, hour, false));
        send(request("no-limit", "cart", "u3", "UTC", NOON, NO_RULES, false));
        send(request("dry", "cart", "u4", "UTC", NOON, hour.asDryRun(), false));

        assertThat(released()).containsExactly("fresh@" + (NOON + DAY - H / 2), "no-limit@" + NOON, "dry@" + NOON);
        assertThat(harness.getSideOutput(Tags.CAMPAIGN_EVENTS))
                .extracting(StreamRecord::getValue)
                .filteredOn(e -> e.outcome() == CampaignEvent.DROPPED)
                .extracting(CampaignEvent::requestId, CampaignEvent::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("old", "stale trigger (older than maxAge 1h)"));
        assertThat(function.staleDrops()).as("the guardrailDroppedStale metric").isEqualTo(1L);
    }

    @Test
    void aBackfillIsExemptFromTheStaleTriggerGuard() {
        GuardrailPolicy backfill = new GuardrailPolicy(
                FrequencyCap.none(),
                new QuietHours(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT),
                io.mailflow.model.LimitAction.DEFER,
                3 * DAY,
                false);
        SendRules hour = new SendRules(0, 0L, 0, 0L, "", H, false);
        assertThat(backfill.staleness(
                        request("old", "cart", "u1", "UTC", NOON, hour, false).request(), NOON + 365 * DAY))
                .isNull();
    }
}
