package io.mailflow.tools.report;

import io.mailflow.feedback.CampaignStats;
import io.mailflow.feedback.DpCampaignStats;
import io.mailflow.model.SendResult;
import io.mailflow.scoring.ValidationMetrics;
import io.mailflow.segmentation.SegmentAssignment;
import java.util.List;

/**
 * Everything the report shows, as read from the job's output topics.
 *
 * @param stats campaign statistics records (every window; later records of a window replace earlier ones)
 * @param segments segment assignments, for segment sizes over time
 * @param validation AUC, log loss and calibration error of the served propensity scores
 * @param results send results, for deliveries and failures over time
 * @param source where the data came from, shown in the report's header
 * @param dpStats differentially private statistics (empty unless the job publishes them)
 */
public record ReportData(
        List<CampaignStats> stats,
        List<SegmentAssignment> segments,
        List<ValidationMetrics> validation,
        List<SendResult> results,
        String source,
        List<DpCampaignStats> dpStats) {

    /** Data without differentially private statistics. */
    public ReportData(
            List<CampaignStats> stats,
            List<SegmentAssignment> segments,
            List<ValidationMetrics> validation,
            List<SendResult> results,
            String source) {
        this(stats, segments, validation, results, source, List.of());
    }
}
