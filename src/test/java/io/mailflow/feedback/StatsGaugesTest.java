package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.feedback.FunnelEvent.Kind;
import io.mailflow.model.CampaignCostUpdate;
import io.mailflow.model.CampaignCosts;
import io.mailflow.testing.RecordingMetricGroups;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The statistics' gauges, as Prometheus exports them: the lift with its interval and the incremental revenue of
 * the latest window (statistics window), its cost and ROI (ROI operator); NaN where there is nothing to compare.
 */
@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class StatsGaugesTest {
    private static final long HOUR = 3_600_000L;

    private static FunnelEvent e(Kind kind, String variant, double revenue) {
        return new FunnelEvent(kind, "u", "c1", variant, Funnel.isHoldout(variant), "r", "m", revenue, 10L);
    }

    @Test
    void theStatisticsWindowExportsTheLiftIntervalAndIncrementalRevenue() throws Exception {
        WindowOperatorBuilder<FunnelEvent, String, TimeWindow> b = new WindowOperatorBuilder<>(
                TumblingEventTimeWindows.of(Duration.ofHours(1)),
                EventTimeTrigger.create(),
                new ExecutionConfig(),
                TypeInformation.of(FunnelEvent.class),
                FunnelEvent::campaignId,
                Types.STRING);
        RecordingMetricGroups metrics = new RecordingMetricGroups();
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                b.aggregate(
                        new CampaignStatsFunctions.Count(),
                        new CampaignStatsFunctions.Emit(),
                        TypeInformation.of(CampaignTally.class)),
                FunnelEvent::campaignId,
                Types.STRING,
                metrics.environment())) {
            h.open();
            for (int i = 0; i < 40; i++) {
                h.processElement(e(Kind.SENT, "A", 0), 10L);
            }
            for (int i = 0; i < 10; i++) {
                h.processElement(e(Kind.CONVERTED, "A", 20.0), 10L);
            }
            for (int i = 0; i < 20; i++) {
                h.processElement(e(Kind.ASSIGNED, "holdout", 0), 10L);
            }
            h.processElement(e(Kind.CONVERTED, "holdout", 20.0), 10L);
            h.processWatermark(HOUR);

            Lift lift = Lift.of(10, 40, 1, 20);
            assertThat((Double) metrics.gauge("campaign=c1/variant=A/windowLift"))
                    .isCloseTo(lift.absolute(), within(1e-12));
            assertThat((Double) metrics.gauge("campaign=c1/variant=A/windowLiftLow"))
                    .isCloseTo(lift.low(), within(1e-12));
            assertThat((Double) metrics.gauge("campaign=c1/variant=A/windowLiftHigh"))
                    .isCloseTo(lift.high(), within(1e-12));
            // 200 - 40 x (20 / 20)
            assertThat((Double) metrics.gauge("campaign=c1/variant=A/windowIncrementalRevenue"))
                    .isCloseTo(160.0, within(1e-9));
            assertThat((Double) metrics.gauge("campaign=c1/variant=holdout/windowLiftLow"))
                    .isNaN();
        }
    }

    @Test
    void theRoiOperatorExportsTheWindowsCostAndRoi() throws Exception {
        RecordingMetricGroups metrics = new RecordingMetricGroups();
        CoBroadcastWithNonKeyedOperator<CampaignStats, CampaignCostUpdate, CampaignStats> op =
                new CoBroadcastWithNonKeyedOperator<>(
                        new RoiFunction(Map.of("c1", new CampaignCostUpdate("c1", 1, new CampaignCosts(1.0, 0, 0, 0)))),
                        List.of(RoiFunction.COSTS));
        try (var h = new AbstractStreamOperatorTestHarness<>(op, metrics.environment())) {
            h.open();
            CampaignTally t = CampaignTally.empty();
            for (int i = 0; i < 40; i++) {
                t = t.add(e(Kind.SENT, "A", 0));
            }
            for (int i = 0; i < 10; i++) {
                t = t.add(e(Kind.CONVERTED, "A", 20.0));
            }
            t = t.add(e(Kind.ASSIGNED, "holdout", 0));
            for (CampaignStats s : CampaignStats.of("c1", 0, HOUR, t.variants())) {
                op.processElement1(new StreamRecord<>(s, 10L));
            }
            // 40 e-mails at 1.0; incremental 200 - 40 x 0 = 200; ROI (200 - 40) / 40 = 4
            assertThat((Double) metrics.gauge("campaign=c1/variant=A/windowCost"))
                    .isCloseTo(40.0, within(1e-9));
            assertThat((Double) metrics.gauge("campaign=c1/variant=A/windowRoi"))
                    .isCloseTo(4.0, within(1e-9));
            assertThat((Double) metrics.gauge("campaign=c1/variant=holdout/windowRoi"))
                    .isNaN();
            assertThat(h.extractOutputValues()).hasSize(2);
        }
    }
}
