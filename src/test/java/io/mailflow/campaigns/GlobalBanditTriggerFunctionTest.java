package io.mailflow.campaigns;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.EmailRequest;
import io.mailflow.testing.Events;
import io.mailflow.testing.TimerCountingOperator;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The trigger operator with the global bandit ({@code topic.variant-stats}): an instance reports its deltas at the
 * clock's ticks, and decides by the job-wide totals it gets back. Two harnesses stand for two parallel instances;
 * the aggregator between them is the real {@link VariantTotalsFunction}.
 */
class GlobalBanditTriggerFunctionTest {
    static final CampaignDefinition BANDIT = Campaigns.parse("""
            id: cart
            trigger: {type: abandoned-cart, delay: 1h}
            variants:
              - {id: A, weight: 1, template: abandoned-cart}
              - {id: B, weight: 1, template: abandoned-cart}
            selection: thompson
            """);
    static final TriggerSettings GLOBAL = TriggerFunctionTest.SETTINGS.withVariantReport(ONE_MINUTE);
    static final long ABANDONED = BEGINNING + 10 * ONE_MINUTE;
    static final long DUE = ABANDONED + ONE_HOUR;

    static KeyedBroadcastOperatorTestHarness<String, UserSignal, ControlMessage, EmailRequest> instance(
            TriggerSettings settings, OperatorSubtaskState restore) throws Exception {
        TimerCountingOperator<String, UserSignal, ControlMessage, EmailRequest> op = new TimerCountingOperator<>(
                new TriggerFunction(settings, List.of(BANDIT)),
                List.of(Descriptors.CAMPAIGNS, Descriptors.RECOMMENDATIONS, Descriptors.VARIANT_TOTALS));
        KeyedBroadcastOperatorTestHarness<String, UserSignal, ControlMessage, EmailRequest> h =
                new KeyedBroadcastOperatorTestHarness<>(op, UserSignal::userId, Types.STRING, 1, 1, 0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /** Twenty users of {@code prefix} abandon a cart; the requests are due an hour later. */
    static List<EmailRequest> abandonCarts(
            KeyedBroadcastOperatorTestHarness<String, UserSignal, ControlMessage, EmailRequest> h, String prefix)
            throws Exception {
        for (int i = 0; i < 20; i++) {
            h.processElement(
                    UserSignal.of(TriggerFunctionTest.session(prefix + i, BEGINNING, ABANDONED, 1, 0)), ABANDONED);
        }
        h.watermark(DUE);
        return h.extractOutputValues();
    }

    static List<VariantStats> deltas(
            KeyedBroadcastOperatorTestHarness<String, UserSignal, ControlMessage, EmailRequest> h) {
        List<VariantStats> out = new ArrayList<>();
        var side = h.getSideOutput(Descriptors.VARIANT_DELTAS);
        if (side != null) {
            side.forEach(r -> out.add(((StreamRecord<VariantStats>) r).getValue()));
            side.clear();
        }
        return out;
    }

    static List<String> variants(List<EmailRequest> requests) {
        return requests.stream().map(EmailRequest::variant).toList();
    }

    @Test
    void anInstanceWithoutConversionsPicksTheVariantThatConvertedOnAnother() throws Exception {
        var aggregator = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new VariantTotalsFunction()), VariantStats::campaignId, Types.STRING);
        aggregator.open();

        // instance 0: its users who got B buy within the attribution window, those who got A do not
        var first = instance(GLOBAL, null);
        List<EmailRequest> sent = abandonCarts(first, "first-");
        long a = variants(sent).stream().filter("A"::equals).count();
        long b = variants(sent).stream().filter("B"::equals).count();
        assertThat(a).as("both variants explored before any conversion").isPositive();
        assertThat(b).isPositive();
        for (EmailRequest r : sent) {
            if (r.variant().equals("B")) {
                first.processElement(
                        UserSignal.of(Events.purchase(r.userId(), "sku-0", 10.0, DUE + 10 * ONE_MINUTE)),
                        DUE + 10 * ONE_MINUTE);
            }
        }
        assertThat(deltas(first)).as("nothing reported before a tick").isEmpty();
        first.processBroadcastElement(ControlMessage.tick(DUE + ONE_HOUR), DUE + ONE_HOUR);
        List<VariantStats> reported = deltas(first);
        assertThat(reported)
                .containsExactlyInAnyOrder(new VariantStats("cart", "A", a, 0), new VariantStats("cart", "B", b, b));
        first.processBroadcastElement(ControlMessage.tick(DUE + ONE_HOUR + ONE_MINUTE), DUE + ONE_HOUR + ONE_MINUTE);
        assertThat(deltas(first)).as("a delta is reported once").isEmpty();

        for (VariantStats d : reported) {
            aggregator.processElement(d, DUE + ONE_HOUR);
        }
        List<VariantTotal> totals = aggregator.extractOutputValues();

        // instance 1 saw no conversion; with the job-wide totals, its users get B
        var second = instance(GLOBAL, null);
        for (VariantTotal t : totals) {
            second.processBroadcastElement(ControlMessage.of(t), 0);
        }
        List<EmailRequest> withTotals = abandonCarts(second, "second-");
        assertThat(variants(withTotals)).hasSize(20).containsOnly("B");

        // the same users and seeds on an instance without the totals: both variants, as the first instance did
        var alone = instance(GLOBAL, null);
        assertThat(variants(abandonCarts(alone, "second-"))).contains("A", "B");
        alone.close();

        // its own exposures go to the aggregator too: the totals are the sum of both instances
        second.processBroadcastElement(ControlMessage.tick(DUE + ONE_HOUR), DUE + ONE_HOUR);
        for (VariantStats d : deltas(second)) {
            aggregator.processElement(d, DUE + ONE_HOUR);
        }
        assertThat(aggregator.extractOutputValues()).last().isEqualTo(new VariantTotal("cart", "B", b + 20, b, 2));
        aggregator.close();
        first.close();
        second.close();
    }

    @Test
    void aRestoredInstanceKeepsTheTotalsAndIgnoresAnOlderVersion() throws Exception {
        var one = instance(GLOBAL, null);
        one.processBroadcastElement(ControlMessage.of(new VariantTotal("cart", "A", 50, 0, 4)), 0);
        one.processBroadcastElement(ControlMessage.of(new VariantTotal("cart", "B", 50, 30, 4)), 0);
        // read again from an older offset: an older version changes nothing
        one.processBroadcastElement(ControlMessage.of(new VariantTotal("cart", "B", 10, 0, 3)), 0);
        OperatorSubtaskState snapshot = one.snapshot(1L, 1L);
        one.close();

        var restored = instance(GLOBAL, snapshot);
        assertThat(variants(abandonCarts(restored, "second-"))).hasSize(20).containsOnly("B");
        restored.close();
    }

    @Test
    void aJobSwitchedToTheGlobalBanditReportsItsPerInstanceCountsAsItsFirstDeltas() throws Exception {
        // the operator as releases before the global bandit had it: two broadcast states, per-instance counts
        TimerCountingOperator<String, UserSignal, ControlMessage, EmailRequest> old = new TimerCountingOperator<>(
                new TriggerFunction(TriggerFunctionTest.SETTINGS, List.of(BANDIT)),
                List.of(Descriptors.CAMPAIGNS, Descriptors.RECOMMENDATIONS));
        var before = new KeyedBroadcastOperatorTestHarness<>(old, UserSignal::userId, Types.STRING, 1, 1, 0);
        before.open();
        List<String> sent = variants(abandonCarts(before, "first-"));
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        before.close();

        var after = instance(GLOBAL, snapshot);
        after.processBroadcastElement(ControlMessage.tick(DUE + ONE_HOUR), DUE + ONE_HOUR);
        List<VariantStats> expected = new ArrayList<>();
        for (String v : List.of("A", "B")) {
            long n = sent.stream().filter(v::equals).count();
            if (n > 0) {
                expected.add(new VariantStats("cart", v, n, 0));
            }
        }
        assertThat(deltas(after)).containsExactlyInAnyOrderElementsOf(expected);
        after.close();
    }

    @Test
    void thePerInstanceBanditIgnoresTotalsAndReportsNothing() throws Exception {
        var alone = instance(TriggerFunctionTest.SETTINGS, null);
        List<String> expected = variants(abandonCarts(alone, "second-"));
        alone.close();

        var perInstance = instance(TriggerFunctionTest.SETTINGS, null);
        perInstance.processBroadcastElement(ControlMessage.of(new VariantTotal("cart", "B", 50, 30, 4)), 0);
        assertThat(variants(abandonCarts(perInstance, "second-")))
                .isEqualTo(expected)
                .contains("A");
        perInstance.processBroadcastElement(ControlMessage.tick(DUE + ONE_HOUR), DUE + ONE_HOUR);
        assertThat(deltas(perInstance)).isEmpty();
        perInstance.close();
    }
}
