package io.mailflow.feedback;

import io.mailflow.model.CampaignCosts;

/**
 * Return on investment of a campaign variant against its holdout. Flink-free.
 *
 * <p>The holdout shows what the variant's audience would have spent without the e-mail, so the
 * <em>incremental</em> revenue is {@code revenue - audience * holdoutRevenue / holdoutAudience}. The cost is the
 * variant's e-mails and coupons ({@link CampaignCosts#variableCost}), plus, where a whole campaign is totalled,
 * its fixed cost; and {@code roi = (incrementalRevenue - cost) / cost}: 0 breaks even, 1 returns the cost twice.
 *
 * @param incrementalRevenue revenue above what the holdout's rate predicts for the same audience
 * @param cost the cost it is compared with
 * @param roi {@code (incrementalRevenue - cost) / cost}
 */
public record Roi(double incrementalRevenue, double cost, double roi) {

    /**
     * Revenue of {@code audience} users above what the holdout's revenue per user predicts for them, or null
     * without a holdout (or an empty one).
     */
    public static Double incrementalRevenue(
            double revenue, long audience, double holdoutRevenue, long holdoutAudience) {
        if (holdoutAudience <= 0) {
            return null;
        }
        return revenue - audience * (holdoutRevenue / holdoutAudience);
    }

    /** The ROI of an incremental revenue for a cost, or null when either is unknown or the cost is not positive. */
    public static Roi of(Double incrementalRevenue, double cost) {
        if (incrementalRevenue == null || !(cost > 0) || Double.isNaN(incrementalRevenue)) {
            return null;
        }
        return new Roi(incrementalRevenue, cost, (incrementalRevenue - cost) / cost);
    }
}
