package io.mailflow.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.EmailRequest;
import io.mailflow.segmentation.SegmentAssignment;
import io.mailflow.testing.TimerCountingOperator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Harness tests of scheduled sends in the trigger operator: event-time ticks on the broadcast input walk the
 * users' facts; the audience, the recipient's zone, the ramp, the holdout and runtime changes decide who gets
 * what when; the per-user state added is one marker per campaign, cleared with the facts and on erasure, and the
 * profile's zone, cleared on erasure; no per-user timer is added.
 */
class ScheduledTriggerFunctionTest {
    static final long MINUTE = 60_000L;
    /** Facts are known from here; 2026-12-07 is a Monday. */
    static final long KNOWN = Instant.parse("2026-12-07T00:00:00Z").toEpochMilli();
    /** 09:00 in Berlin, in UTC, in New York. */
    static final long NINE_BERLIN = Instant.parse("2026-12-07T08:00:00Z").toEpochMilli();

    static final long NINE_UTC = Instant.parse("2026-12-07T09:00:00Z").toEpochMilli();
    static final long NINE_NEW_YORK = Instant.parse("2026-12-07T14:00:00Z").toEpochMilli();
    static final String OCCURRENCE = "scheduled:2026-12-07T09:00";

    private KeyedBroadcastOperatorTestHarness<String, UserSignal, ControlMessage, EmailRequest> harness;
    private TimerCountingOperator<String, UserSignal, ControlMessage, EmailRequest> operator;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void start(CampaignDefinition... initial) throws Exception {
        operator = new TimerCountingOperator<>(
                new TriggerFunction(TriggerFunctionTest.SETTINGS, List.of(initial)),
                List.of(Descriptors.CAMPAIGNS, Descriptors.RECOMMENDATIONS));
        harness = new KeyedBroadcastOperatorTestHarness<>(operator, UserSignal::userId, Types.STRING, 1, 1, 0);
        harness.open();
    }

    static CampaignDefinition newsletter(long ramp, String... extra) {
        List<String> lines = new ArrayList<>(List.of("audience: {segments: [2]}"));
        lines.addAll(List.of(extra));
        return Campaigns.of(
                "nl",
                "{type: scheduled, at: '2026-12-07T09:00', rampPerMinute: " + ramp + ", sendWindow: 8h}",
                lines.toArray(String[]::new));
    }

    private void user(String id, int segment, String zone) throws Exception {
        harness.processElement(UserSignal.of(new SegmentAssignment(id, segment, 1L, 0.1, KNOWN)), KNOWN);
        // a consenting profile, "" without a zone
        harness.processElement(UserSignal.zone(id, zone == null ? "" : zone, KNOWN), KNOWN);
    }

    /** The requests a tick at {@code t} emits. */
    private List<EmailRequest> tick(long t) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.processBroadcastElement(ControlMessage.tick(t), t);
        List<EmailRequest> all = harness.extractOutputValues();
        return all.subList(before, all.size());
    }

    private static Set<String> users(List<EmailRequest> rs) {
        return rs.stream().map(EmailRequest::userId).collect(Collectors.toSet());
    }

    @Test
    void theAudienceGetsTheOccurrenceAtNineInTheirOwnZoneOnce() throws Exception {
        start(newsletter(1_000));
        user("berlin", 2, "Europe/Berlin");
        user("new-york", 2, "America/New_York");
        user("no-zone", 2, null);
        user("other-segment", 1, "Europe/Berlin");

        assertThat(tick(NINE_BERLIN - MINUTE)).as("nobody's 09:00 yet").isEmpty();
        List<EmailRequest> berlin = tick(NINE_BERLIN);
        assertThat(users(berlin)).containsExactly("berlin");
        assertThat(users(tick(NINE_BERLIN + MINUTE))).as("once").isEmpty();
        assertThat(users(tick(NINE_UTC))).as("without a zone: UTC").containsExactly("no-zone");
        assertThat(users(tick(NINE_NEW_YORK - MINUTE))).isEmpty();
        assertThat(users(tick(NINE_NEW_YORK))).containsExactly("new-york");
        assertThat(users(harness.extractOutputValues())).doesNotContain("other-segment");

        EmailRequest r = berlin.get(0);
        assertThat(r.requestId()).isEqualTo(RequestIds.of("nl", "berlin", OCCURRENCE));
        assertThat(r.trigger()).isEqualTo("SCHEDULED");
        assertThat(r.sessionKey()).isEqualTo(OCCURRENCE);
        assertThat(r.triggeredAt()).isEqualTo(NINE_BERLIN);
        assertThat(r.segment()).isEqualTo(2);
        assertThat(r.templateId()).isEqualTo("nl");
    }

    @Test
    void onlyUsersWithAConsentingProfileAreRecipients() throws Exception {
        start(newsletter(1_000));
        user("consenting", 2, "Europe/Berlin");
        harness.processElement(UserSignal.of(new SegmentAssignment("no-profile", 2, 1L, 0.1, KNOWN)), KNOWN);
        user("withdrew", 2, "Europe/Berlin");
        harness.processElement(UserSignal.zone("withdrew", null, KNOWN + 1), KNOWN + 1);
        assertThat(users(tick(NINE_BERLIN))).containsExactly("consenting");
    }

    @Test
    void aProfileThatArrivesAfterTheTickIsSentWithinItsRamp() throws Exception {
        start(newsletter(2));
        user("early", 2, "Europe/Berlin");
        assertThat(users(tick(NINE_BERLIN))).containsExactly("early");
        user("late-1", 2, "Europe/Berlin"); // its facts, then its profile
        user("late-2", 2, "Europe/Berlin");
        assertThat(users(harness.extractOutputValues()))
                .as("the tick's ramp of 2 had one left")
                .containsExactlyInAnyOrder("early", "late-1");
        assertThat(users(tick(NINE_BERLIN + MINUTE))).containsExactly("late-2");
    }

    @Test
    void theRampLimitsEachTickToItsRateAndARepeatedTickSendsNothing() throws Exception {
        start(newsletter(3));
        for (int i = 0; i < 10; i++) {
            user("u" + i, 2, "Europe/Berlin");
        }
        List<Integer> perTick = new ArrayList<>();
        perTick.add(tick(NINE_BERLIN).size());
        perTick.add(tick(NINE_BERLIN + MINUTE).size());
        perTick.add(tick(NINE_BERLIN + MINUTE).size()); // the same minute again
        perTick.add(tick(NINE_BERLIN + 2 * MINUTE).size());
        perTick.add(tick(NINE_BERLIN + 3 * MINUTE).size());
        perTick.add(tick(NINE_BERLIN + 4 * MINUTE).size());
        assertThat(perTick).containsExactly(3, 3, 0, 3, 1, 0);
        assertThat(users(harness.extractOutputValues())).hasSize(10);
    }

    @Test
    void heldOutUsersAreRecordedAsHoldoutsAndNotSentAgain() throws Exception {
        CampaignDefinition nl = newsletter(1_000, "holdoutPercent: 30");
        start(nl);
        for (int i = 0; i < 60; i++) {
            user("u" + i, 2, "Europe/Berlin");
        }
        List<EmailRequest> out = tick(NINE_BERLIN);
        assertThat(out).hasSize(60);
        long held = out.stream().filter(EmailRequest::holdout).count();
        assertThat(held).isBetween(8L, 30L);
        for (EmailRequest r : out) {
            assertThat(r.holdout()).isEqualTo(Experiments.holdout(r.userId(), nl));
        }
        assertThat(tick(NINE_BERLIN + MINUTE)).isEmpty();
    }

    @Test
    void pausingOrDeletingStopsTheRampAndAChangedAudienceAppliesAtOnce() throws Exception {
        start(newsletter(2));
        for (int i = 0; i < 6; i++) {
            user("u" + i, 2, "Europe/Berlin");
        }
        user("seg3", 3, "Europe/Berlin");
        assertThat(tick(NINE_BERLIN)).hasSize(2);

        harness.processBroadcastElement(Campaigns.update(newsletter(2, "version: 2", "status: paused")), NINE_BERLIN);
        assertThat(tick(NINE_BERLIN + MINUTE)).as("paused").isEmpty();

        // a new version applies at once (in the latest tick, with one minute's share of its ramp), not a minute later
        int before = harness.extractOutputValues().size();
        harness.processBroadcastElement(
                Campaigns.update(Campaigns.of(
                        "nl",
                        "{type: scheduled, at: '2026-12-07T09:00', rampPerMinute: 10, sendWindow: 8h}",
                        "version: 3",
                        "audience: {segments: [3]}")),
                NINE_BERLIN + MINUTE);
        List<EmailRequest> all = harness.extractOutputValues();
        assertThat(users(all.subList(before, all.size()))).containsExactly("seg3");
        assertThat(tick(NINE_BERLIN + 2 * MINUTE)).isEmpty();

        harness.processBroadcastElement(Campaigns.update(newsletter(2, "version: 4", "status: deleted")), NINE_BERLIN);
        assertThat(tick(NINE_BERLIN + 3 * MINUTE)).as("deleted").isEmpty();
        assertThat(harness.extractOutputValues()).hasSize(3);
    }

    @Test
    void theStateIsOneMarkerPerUserAndTheZoneNoTimerIsAddedAndTheyGoWithTheFactsOrAnErasure() throws Exception {
        start(newsletter(1_000));
        user("a", 2, "Europe/Berlin");
        user("b", 2, "Europe/Berlin");
        int entries = operator.numKeyedStateEntries();
        int timers = operator.numEventTimeTimers();

        assertThat(tick(NINE_BERLIN)).hasSize(2);
        assertThat(operator.numKeyedStateEntries()).as("one marker per user").isEqualTo(entries + 2);
        assertThat(operator.numEventTimeTimers()).as("no timer per user").isEqualTo(timers);

        harness.processElement(UserSignal.erasure("a"), NINE_BERLIN);
        assertThat(operator.numKeyedStateEntries()).isLessThan(entries + 2);
        // b's facts expire campaigns.user-state-ttl after their last update; its zone and marker stay (one each per
        // profile and scheduled campaign) until its profile withdraws consent or an erasure
        harness.watermark(KNOWN + TriggerFunctionTest.TTL + 1);
        assertThat(operator.numKeyedStateEntries()).isEqualTo(2);
        assertThat(operator.numEventTimeTimers()).isZero();
        harness.processElement(UserSignal.erasure("b"), KNOWN + TriggerFunctionTest.TTL + 1);
        assertThat(operator.numKeyedStateEntries()).isZero();
        assertThat(tick(NINE_BERLIN + MINUTE)).as("nobody left to walk").isEmpty();
    }
}
