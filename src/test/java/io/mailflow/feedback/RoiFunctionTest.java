package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.feedback.FunnelEvent.Kind;
import io.mailflow.model.CampaignCostUpdate;
import io.mailflow.model.CampaignCosts;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The ROI operator: the costs of the campaigns file from the start, control-topic updates by version. */
@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class RoiFunctionTest {
    private static final CampaignCosts FILE = new CampaignCosts(0.25, 1000, 0.05, 0);

    /** Variant A of c1 (or c2): 200 e-mails, 1,000 revenue; its holdout: 100 users, 300 revenue. */
    private static CampaignStats variantA(String campaign) {
        CampaignTally t = CampaignTally.empty();
        for (int i = 0; i < 200; i++) {
            t = t.add(new FunnelEvent(Kind.SENT, "u", campaign, "A", false, "r", "m", 0, 0));
        }
        for (int i = 0; i < 20; i++) {
            t = t.add(new FunnelEvent(Kind.CONVERTED, "u", campaign, "A", false, "r", "m", 50.0, 0));
        }
        for (int i = 0; i < 100; i++) {
            t = t.add(new FunnelEvent(Kind.ASSIGNED, "u", campaign, "holdout", true, "r", null, 0, 0));
        }
        for (int i = 0; i < 6; i++) {
            t = t.add(new FunnelEvent(Kind.CONVERTED, "u", campaign, "holdout", true, "r", null, 50.0, 0));
        }
        return CampaignStats.of(campaign, 0, 3_600_000, t.variants()).stream()
                .filter(s -> s.variant().equals("A"))
                .findFirst()
                .orElseThrow();
    }

    private static BroadcastOperatorTestHarness<CampaignStats, CampaignCostUpdate, CampaignStats> harness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                new RoiFunction(Map.of("c1", new CampaignCostUpdate("c1", 3, FILE))), RoiFunction.COSTS);
    }

    @Test
    void theCampaignsFileCostsApplyFromTheStartAndCampaignsWithoutCostsGetNoRoi() throws Exception {
        try (var h = harness()) {
            h.processElement(variantA("c1"), 10L);
            h.processElement(variantA("c2"), 10L);
            List<CampaignStats> out = h.extractOutputValues();
            assertThat(out).hasSize(2);
            // 200 x 0.25 + 5% of 1,000 = 100; incremental 1,000 - 200 x 3 = 400; ROI (400 - 100) / 100
            assertThat(out.get(0).cost()).isCloseTo(100.0, within(1e-9));
            assertThat(out.get(0).fixedCost()).isEqualTo(1000.0);
            assertThat(out.get(0).roi()).isCloseTo(3.0, within(1e-9));
            assertThat(out.get(1).cost()).isZero();
            assertThat(out.get(1).roi()).isNull();
        }
    }

    @Test
    void aNewerDefinitionsCostsReplaceTheOldOnesAndAnOlderOneIsIgnored() throws Exception {
        try (var h = harness()) {
            h.processBroadcastElement(new CampaignCostUpdate("c1", 4, new CampaignCosts(1.0, 0, 0, 0)), 1L);
            h.processElement(variantA("c1"), 10L);
            h.processBroadcastElement(new CampaignCostUpdate("c1", 2, new CampaignCosts(0.01, 0, 0, 0)), 11L);
            h.processElement(variantA("c1"), 12L);
            h.processBroadcastElement(new CampaignCostUpdate("c2", 1, new CampaignCosts(0, 0, 0, 2.0)), 13L);
            h.processElement(variantA("c2"), 14L);
            List<CampaignStats> out = h.extractOutputValues();
            assertThat(out.get(0).cost()).isCloseTo(200.0, within(1e-9)); // version 4: 200 x 1.0
            assertThat(out.get(0).roi()).isCloseTo(1.0, within(1e-9)); // (400 - 200) / 200
            assertThat(out.get(1).cost()).isCloseTo(200.0, within(1e-9)); // version 2 is older: ignored
            assertThat(out.get(2).cost()).isCloseTo(40.0, within(1e-9)); // 20 conversions x 2.0
        }
    }
}
