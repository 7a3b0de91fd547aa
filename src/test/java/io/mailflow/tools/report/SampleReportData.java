package io.mailflow.tools.report;

import io.mailflow.feedback.CampaignStats;
import io.mailflow.feedback.VariantCounts;
import io.mailflow.model.SendResult;
import io.mailflow.model.SendStatus;
import io.mailflow.scoring.ValidationMetrics;
import io.mailflow.segmentation.SegmentAssignment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic sample data for report tests: two days of hourly statistics for an A/B test with a
 * holdout and a campaign without one, drifting segment assignments, a learning propensity model and
 * send results with some failures. Synthetic: it exercises the charts, it measures nothing.
 */
final class SampleReportData {
    static final long START = 1_790_000_000_000L / 3_600_000L * 3_600_000L;
    private static final long HOUR = 3_600_000L;

    private SampleReportData() {}

    static ReportData create() {
        Random rnd = new Random(7);
        List<CampaignStats> stats = new ArrayList<>();
        List<SendResult> results = new ArrayList<>();
        for (int h = 0; h < 48; h++) {
            long ws = START + h * HOUR;
            double traffic = 0.6 + 0.4 * Math.sin(h / 24.0 * 2 * Math.PI);
            List<VariantCounts> cart = List.of(
                    counts(rnd, "A", false, (int) (120 * traffic) + 20, 0.42, 0.09, 0.060),
                    counts(rnd, "B", false, (int) (120 * traffic) + 20, 0.47, 0.12, 0.075),
                    counts(rnd, "holdout", true, (int) (30 * traffic) + 5, 0, 0, 0.035));
            stats.addAll(CampaignStats.of("abandoned-cart", ws, ws + HOUR, cart));
            stats.addAll(CampaignStats.of(
                    "winback",
                    ws,
                    ws + HOUR,
                    List.of(counts(rnd, "default", false, (int) (40 * traffic) + 5, 0.25, 0.04, 0.02))));
            int sends = (int) (280 * traffic) + 45;
            for (int i = 0; i < sends; i++) {
                SendStatus status = rnd.nextDouble() < 0.015
                        ? SendResult.FAILED_PERMANENT
                        : rnd.nextDouble() < 0.01 || (h == 30 && i % 3 == 0)
                                ? SendResult.FAILED_TRANSIENT
                                : SendResult.SENT;
                results.add(new SendResult(
                        "r" + h + "-" + i,
                        "m",
                        "abandoned-cart",
                        "A",
                        "u" + i,
                        status,
                        1,
                        40,
                        "250 OK",
                        ws + rnd.nextInt((int) HOUR),
                        status.equals(SendResult.SENT) ? 250 : 550,
                        List.of()));
            }
        }
        List<SegmentAssignment> segments = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            long at = START + (long) (rnd.nextDouble() * 48 * HOUR);
            double drift = (at - START) / (48.0 * HOUR);
            int segment = rnd.nextDouble() < 0.25 * drift ? 2 : rnd.nextInt(6);
            segments.add(new SegmentAssignment("u" + rnd.nextInt(2500), segment, 1 + i / 500, 0.5, at));
        }
        List<ValidationMetrics> validation = new ArrayList<>();
        for (int v = 1; v <= 60; v++) {
            double auc = 0.78 - 0.25 * Math.exp(-v / 12.0) + (rnd.nextDouble() - 0.5) * 0.02;
            validation.add(new ValidationMetrics(
                    v, v * 100L, Math.min(1000, v * 100), auc, 0.45 + 0.2 * Math.exp(-v / 15.0), 0.02));
        }
        return new ReportData(stats, segments, validation, results, "sample data (SampleReportData, synthetic)");
    }

    private static VariantCounts counts(
            Random rnd, String variant, boolean holdout, int n, double open, double click, double conv) {
        long opens = binomial(rnd, n, open);
        long clicks = Math.min(opens, binomial(rnd, n, click));
        long conversions = binomial(rnd, n, conv);
        return new VariantCounts(
                variant,
                holdout,
                holdout ? n : 0,
                holdout ? 0 : n,
                0,
                holdout ? 0 : n - 1,
                opens,
                binomial(rnd, n, holdout ? 0 : 0.05),
                clicks,
                conversions,
                conversions * (30 + rnd.nextInt(40)),
                binomial(rnd, n, holdout ? 0 : 0.004),
                0,
                0);
    }

    private static long binomial(Random rnd, int n, double p) {
        long k = 0;
        for (int i = 0; i < n; i++) {
            k += rnd.nextDouble() < p ? 1 : 0;
        }
        return k;
    }
}
