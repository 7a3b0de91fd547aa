package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.feedback.FunnelEvent.Kind;
import io.mailflow.testing.RecordingMetricGroups;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class AttributionFunctionTest {
    private static final long BEGINNING = 1_790_000_000_000L;
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final Duration WINDOW = Duration.ofHours(2);

    private static KeyedOneInputStreamOperatorTestHarness<String, FunnelEvent, FunnelEvent> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AttributionFunction(WINDOW)), FunnelEvent::userId, Types.STRING);
    }

    private static FunnelEvent send(String user, String request, String variant, long at) {
        Kind kind = Funnel.isHoldout(variant) ? Kind.ASSIGNED : Kind.SENT;
        return new FunnelEvent(
                kind, user, "c1", variant, Funnel.isHoldout(variant), request, "<" + request + ">", 0, at);
    }

    /** Engagement as reported: the reporter does not know the variant. */
    private static FunnelEvent engage(Kind kind, String user, String request, long at) {
        return new FunnelEvent(kind, user, "c1", "default", false, request, null, 0, at);
    }

    private static FunnelEvent purchase(String user, double amount, long at) {
        return new FunnelEvent(Kind.PURCHASE, user, null, null, false, null, null, amount, at);
    }

    private static void add(KeyedOneInputStreamOperatorTestHarness<String, FunnelEvent, FunnelEvent> h, FunnelEvent e)
            throws Exception {
        h.processElement(e, e.at());
    }

    @Test
    void opensBeforeTheirSendAreOrderedByEventTimeCountedOnceAndClicksWinAttribution() throws Exception {
        try (var h = harness()) {
            h.open();
            // the open and click reach the operator before the sends they belong to
            add(h, engage(Kind.OPENED, "ann", "r1", BEGINNING + 10 * MINUTE));
            add(h, engage(Kind.OPENED, "ann", "r1", BEGINNING + 11 * MINUTE));
            add(h, engage(Kind.CLICKED, "ann", "r1", BEGINNING + 12 * MINUTE));
            add(h, send("ann", "r1", "A", BEGINNING));
            add(h, send("ann", "r2", "B", BEGINNING + 30 * MINUTE)); // later send, never clicked
            add(h, purchase("ann", 40.0, BEGINNING + HOUR));
            add(h, purchase("ann", 10.0, BEGINNING + HOUR + MINUTE));
            h.processWatermark(BEGINNING + HOUR + MINUTE);

            List<FunnelEvent> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(e -> e.kind() + ":" + e.requestId() + ":" + e.variant())
                    .containsExactly(
                            "SENT:r1:A", "OPENED:r1:A", "CLICKED:r1:A", "SENT:r2:B", "CONVERTED:r1:A", "REVENUE:r1:A");
            assertThat(out.get(4).revenue()).isEqualTo(40.0);
            assertThat(out.get(5).revenue()).isEqualTo(10.0);
        }
    }

    @Test
    void withoutClicksTheLatestSendWinsAndHoldoutAssignmentsConvertLikeSends() throws Exception {
        try (var h = harness()) {
            h.open();
            add(h, send("bob", "r1", "A", BEGINNING));
            add(h, send("bob", "r2", "holdout", BEGINNING + 10 * MINUTE));
            add(h, purchase("bob", 5.0, BEGINNING + HOUR));
            h.processWatermark(BEGINNING + HOUR);
            FunnelEvent conversion = h.extractOutputValues().get(2);
            assertThat(conversion.kind()).isEqualTo(Kind.CONVERTED);
            assertThat(conversion.requestId()).isEqualTo("r2");
            assertThat(conversion.holdout()).isTrue();
        }
    }

    @Test
    void purchasesOutsideTheWindowAreNotCreditedAndStateAndTimersAreCleared() throws Exception {
        try (var h = harness()) {
            h.open();
            add(h, send("cat", "r1", "default", BEGINNING));
            add(h, engage(Kind.CLICKED, "cat", "r1", BEGINNING + HOUR));
            add(h, purchase("cat", 5.0, BEGINNING + 3 * HOUR + 1)); // 2 h + 1 ms after the click
            h.processWatermark(BEGINNING + 3 * HOUR + 1);
            assertThat(h.extractOutputValues()).extracting(FunnelEvent::kind).containsExactly(Kind.SENT, Kind.CLICKED);

            assertThat(h.numKeyedStateEntries())
                    .as("the e-mail is forgotten one window after its click")
                    .isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void engagementForAnUnknownE_mailIsCountedUnderItsOwnCampaign() throws Exception {
        try (var h = harness()) {
            h.open();
            add(h, engage(Kind.OPENED, "dan", "gone", BEGINNING));
            add(h, engage(Kind.OPENED, "dan", "gone", BEGINNING + 1));
            h.processWatermark(BEGINNING + 1);
            assertThat(h.extractOutputValues())
                    .extracting(FunnelEvent::campaignId)
                    .containsExactly("c1", "c1");
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void engagementNamingUnknownCampaignsCannotCreateMetricGroups() throws Exception {
        RecordingMetricGroups metrics = new RecordingMetricGroups();
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AttributionFunction(WINDOW)),
                FunnelEvent::userId,
                Types.STRING,
                metrics.environment())) {
            h.open();
            add(h, send("ann", "r1", "A", BEGINNING));
            for (int i = 0; i < 300; i++) {
                // forged: no send of these campaigns ever went out
                add(
                        h,
                        new FunnelEvent(
                                Kind.OPENED, "u" + i, "forged-" + i, "v" + i, false, "x" + i, null, 0, BEGINNING));
            }
            h.processWatermark(BEGINNING + MINUTE);
            assertThat(h.extractOutputValues()).hasSize(301);
            assertThat(metrics.values("campaign")).containsExactlyInAnyOrder("c1", CampaignLabels.OTHER);
            assertThat(metrics.values("variant")).isEmpty(); // nested under the campaign group, not the operator's
        }
    }
}
