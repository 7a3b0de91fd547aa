package io.mailflow.guardrails;

import static io.mailflow.guardrails.GuardrailFunctionTest.DAY;
import static io.mailflow.guardrails.GuardrailFunctionTest.NOON;
import static io.mailflow.guardrails.GuardrailFunctionTest.NO_RULES;
import static io.mailflow.guardrails.GuardrailFunctionTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.CampaignEvent;
import io.mailflow.model.ContactUpdate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Harness tests of the guardrails' release pacing: with a release rate, released e-mails leave at that rate in
 * processing time; the rest wait in state (not in the network buffers in front of the sender); a suppression
 * drops the waiting ones; after a restore the overdue ones are paced again instead of released in one burst.
 */
class GuardrailPacingTest {
    private static final long T0 = 1_000_000L; // processing time
    private static final double RATE = 2.0; // per second: one release every 500 ms

    private KeyedTwoInputStreamOperatorTestHarness<String, AddressedRequest, ContactUpdate, AddressedRequest> harness;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, AddressedRequest, ContactUpdate, AddressedRequest>
            harness(double rate) throws Exception {
        GuardrailPolicy policy = new GuardrailPolicy(
                new FrequencyCap(10, DAY),
                new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0)),
                io.mailflow.model.LimitAction.DEFER,
                3 * DAY);
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new GuardrailFunction(policy, WallClock.SYSTEM, rate)),
                a -> a.request().userId(),
                ContactUpdate::userId,
                Types.STRING);
    }

    private void send(String id, String user) throws Exception {
        AddressedRequest a = request(id, "c-" + id, user, "Europe/Berlin", NOON, NO_RULES, false);
        harness.processElement1(a, a.request().triggeredAt());
    }

    private List<String> released() {
        List<String> out = new ArrayList<>();
        for (AddressedRequest a : harness.extractOutputValues()) {
            out.add(a.request().requestId());
        }
        return out;
    }

    private List<String> events() {
        List<String> out = new ArrayList<>();
        for (StreamRecord<CampaignEvent> e : harness.getSideOutput(Tags.CAMPAIGN_EVENTS)) {
            out.add(e.getValue().requestId() + ":" + e.getValue().outcome());
        }
        return out;
    }

    @Test
    void aBurstLeavesAtTheReleaseRateAndWaitsInState() throws Exception {
        harness = harness(RATE);
        harness.setProcessingTime(T0);
        harness.open();
        send("r1", "ann");
        send("r2", "bob");
        send("r3", "cid");

        assertThat(events())
                .as("every request is decided at once")
                .containsExactly("r1:RELEASED", "r2:RELEASED", "r3:RELEASED");
        assertThat(released()).as("the first slot is now").containsExactly("r1");
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(2);

        harness.setProcessingTime(T0 + 499);
        assertThat(released()).containsExactly("r1");
        harness.setProcessingTime(T0 + 500);
        assertThat(released()).containsExactly("r1", "r2");
        harness.setProcessingTime(T0 + 1000);
        assertThat(released()).containsExactly("r1", "r2", "r3");
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void withoutAReleaseRateEverythingLeavesAtOnce() throws Exception {
        harness = harness(0);
        harness.setProcessingTime(T0);
        harness.open();
        send("r1", "ann");
        send("r2", "bob");
        send("r3", "cid");
        assertThat(released()).containsExactly("r1", "r2", "r3");
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aSuppressionDropsTheUsersWaitingEmails() throws Exception {
        harness = harness(RATE);
        harness.setProcessingTime(T0);
        harness.open();
        send("r1", "ann");
        send("r2", "bob");
        send("r3", "bob");

        harness.processElement2(ContactUpdate.suppress("bob", "UNSUBSCRIBED", NOON + 1), NOON + 1);
        harness.setProcessingTime(T0 + 10_000);

        assertThat(released()).containsExactly("r1");
        assertThat(events()).contains("r2:DROPPED", "r3:DROPPED");
        assertThat(harness.getSideOutput(Tags.CAMPAIGN_EVENTS).stream()
                        .filter(e -> e.getValue().outcome() == CampaignEvent.DROPPED)
                        .map(e -> e.getValue().reason()))
                .allMatch(
                        r -> r.equals("user suppressed (UNSUBSCRIBED) while the e-mail waited for its paced release"));
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void anErasureDropsTheUsersWaitingEmails() throws Exception {
        harness = harness(RATE);
        harness.setProcessingTime(T0);
        harness.open();
        send("r1", "eve");
        send("r2", "eve");
        send("r3", "eve");
        assertThat(released()).containsExactly("r1");

        harness.processElement2(ContactUpdate.erase("eve", NOON + 1), NOON + 1);
        harness.setProcessingTime(T0 + 10_000);

        assertThat(released()).containsExactly("r1");
        assertThat(events()).contains("r2:DROPPED", "r3:DROPPED");
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries())
                .as("the waiting e-mails (with the address) and the send log are gone")
                .isZero();
    }

    @Test
    void afterARestoreTheOverdueEmailsArePacedAgain() throws Exception {
        harness = harness(RATE);
        harness.setProcessingTime(T0);
        harness.open();
        send("r1", "ann");
        send("r2", "bob");
        send("r3", "cid");
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0 + 1);
        harness.close();

        // the job was down for a minute: both waiting e-mails' slots passed meanwhile
        harness = harness(RATE);
        harness.setProcessingTime(T0 + 60_000);
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(T0 + 60_001);
        assertThat(released()).as("one at once, not the whole backlog").containsExactly("r2");
        harness.setProcessingTime(T0 + 60_500);
        assertThat(released()).containsExactly("r2");
        harness.setProcessingTime(T0 + 60_501);
        assertThat(released()).containsExactly("r2", "r3");
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aDryRunIsNeverPaced() throws Exception {
        harness = harness(RATE);
        harness.setProcessingTime(T0);
        harness.open();
        for (String id : List.of("r1", "r2", "r3")) {
            AddressedRequest a = request(id, "c-" + id, "u-" + id, "Europe/Berlin", NOON, NO_RULES, false);
            harness.processElement1(new AddressedRequest(a.request().asDryRun(), a.recipient()), NOON);
        }
        assertThat(released()).containsExactly("r1", "r2", "r3");
    }
}
