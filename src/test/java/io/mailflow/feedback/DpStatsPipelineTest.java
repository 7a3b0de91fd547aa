package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.feedback.FunnelEvent.Kind;
import io.mailflow.privacy.NoiseMechanism;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * The DP path of the feedback stage on bounded input, at parallelism 2 with generic types disabled. The
 * per-release epsilon is so large that the noise is zero (scale 1/1000, P[noise != 0] about e^-1000), so
 * the published figures are the clipped sums and the contribution bound can be checked exactly.
 */
class DpStatsPipelineTest {
    private static final long BEGINNING = 1_790_000_000_000L - 1_790_000_000_000L % 3_600_000L;
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;

    private static FunnelEvent e(Kind kind, String user, String campaign, double revenue, long at) {
        return new FunnelEvent(kind, user, campaign, "A", false, "r-" + user, null, revenue, at);
    }

    @Test
    void eachUserCountsAtMostTheBoundAndTheBudgetStopsTheThirdWindow() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                new Configuration().set(PipelineOptions.GENERIC_TYPES, false));
        env.setParallelism(2);
        List<FunnelEvent> events = new ArrayList<>();
        // window 1 of c1: ann is a heavy user (4 sends, 6 opens, 900.00 revenue), 20 ordinary users
        for (int i = 0; i < 4; i++) {
            events.add(e(Kind.SENT, "ann", "c1", 0, BEGINNING + i * MINUTE));
            events.add(e(Kind.OPENED, "ann", "c1", 0, BEGINNING + i * MINUTE + 1));
            events.add(e(Kind.OPENED, "ann", "c1", 0, BEGINNING + i * MINUTE + 2));
        }
        events.add(e(Kind.CONVERTED, "ann", "c1", 800.0, BEGINNING + 30 * MINUTE));
        events.add(e(Kind.REVENUE, "ann", "c1", 100.0, BEGINNING + 31 * MINUTE));
        for (int u = 0; u < 20; u++) {
            String user = "u" + u;
            events.add(e(Kind.SENT, user, "c1", 0, BEGINNING + u * MINUTE));
            if (u % 2 == 0) {
                events.add(e(Kind.OPENED, user, "c1", 0, BEGINNING + u * MINUTE + 5));
            }
            if (u % 5 == 0) {
                events.add(e(Kind.CLICKED, user, "c1", 0, BEGINNING + u * MINUTE + 6));
                events.add(e(Kind.CONVERTED, user, "c1", 20.0, BEGINNING + u * MINUTE + 7));
            }
        }
        // holdout users and machine opens never contribute
        events.add(new FunnelEvent(Kind.ASSIGNED, "h1", "c1", "holdout", true, "r-h1", null, 0, BEGINNING));
        events.add(e(Kind.MACHINE_OPENED, "u1", "c1", 0, BEGINNING + 40 * MINUTE));
        // c1 in windows 2 and 3 (the budget allows two releases), c2 in window 1
        events.add(e(Kind.SENT, "u1", "c1", 0, BEGINNING + HOUR + MINUTE));
        events.add(e(Kind.SENT, "u2", "c1", 0, BEGINNING + 2 * HOUR + MINUTE));
        events.add(e(Kind.SENT, "u3", "c2", 0, BEGINNING + 2 * MINUTE));
        events.sort(Comparator.comparingLong(FunnelEvent::at));

        DataStream<FunnelEvent> funnel = env.fromData(events)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<FunnelEvent>forMonotonousTimestamps()
                        .withTimestampAssigner((f, t) -> f.at()));
        DpSettings dp = new DpSettings(true, NoiseMechanism.LAPLACE, 1e6, 2e6, 1e-6, 1, 100.0);
        FeedbackSettings settings = new FeedbackSettings(
                Duration.ofDays(1),
                Duration.ofDays(1),
                Duration.ZERO,
                Duration.ZERO,
                Duration.ofDays(1),
                Duration.ofDays(1),
                Duration.ofDays(1),
                Duration.ofHours(1),
                Duration.ZERO,
                dp);
        CloseableIterator<DpCampaignStats> out =
                FeedbackStage.differentiallyPrivate(funnel, settings).collectAsync();
        env.execute("dp statistics test");
        List<DpCampaignStats> stats = new ArrayList<>();
        out.forEachRemaining(stats::add);
        stats.sort(Comparator.comparing(DpCampaignStats::campaignId).thenComparingLong(DpCampaignStats::windowStart));

        assertThat(stats).hasSize(4);
        DpCampaignStats w1 = stats.get(0);
        assertThat(w1.windowStart()).isEqualTo(BEGINNING);
        assertThat(w1.released()).isTrue();
        // ann counts 1 send, 1 open, 1 conversion and 100.00 of revenue; 20 users: 20 sends, 10 opens, 4 clicks
        assertThat(w1.sent()).isEqualTo(21);
        assertThat(w1.opens()).isEqualTo(11);
        assertThat(w1.clicks()).isEqualTo(4);
        assertThat(w1.conversions()).isEqualTo(5);
        assertThat(w1.revenue()).isEqualTo(100.0 + 4 * 20.0);
        assertThat(stats.get(1).released()).isTrue();
        assertThat(stats.get(1).sent()).isEqualTo(1);
        assertThat(stats.get(2).released()).isFalse();
        assertThat(stats.get(2).sent()).isNull();
        assertThat(stats.get(2).refusals()).isEqualTo(1);
        assertThat(stats.get(3).campaignId()).isEqualTo("c2");
        assertThat(stats.get(3).released()).isTrue(); // another campaign has its own budget
        assertThat(stats.get(3).epsilonSpent()).isEqualTo(1e6);
    }
}
