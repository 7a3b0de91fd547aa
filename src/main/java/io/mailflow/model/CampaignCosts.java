package io.mailflow.model;

import java.io.Serializable;

/**
 * What a campaign costs, in the currency units of the revenue it is credited with (docs/campaigns.md,
 * {@code costs}). Flink-free and immutable; part of a campaign's definition (broadcast state), so a record.
 *
 * @param perEmail cost of each e-mail sent (sending, content), >= 0
 * @param fixed fixed cost of the campaign as a whole (design, set-up), >= 0; not spread over time windows
 * @param couponShare coupon cost as a share of the revenue attributed to the campaign's e-mails, in [0, 1]
 * @param couponPerConversion coupon cost per conversion (e-mail credited with a purchase), >= 0
 */
public record CampaignCosts(double perEmail, double fixed, double couponShare, double couponPerConversion)
        implements Serializable {

    /** No costs: ROI is not computed. */
    public static final CampaignCosts NONE = new CampaignCosts(0, 0, 0, 0);

    /** True when any cost is set. */
    public boolean any() {
        return perEmail > 0 || fixed > 0 || couponShare > 0 || couponPerConversion > 0;
    }

    /**
     * The cost that grows with the campaign's activity: its e-mails and its coupons. The holdout costs nothing
     * (no e-mail, no coupon).
     *
     * @param sent e-mails sent
     * @param conversions e-mails credited with a purchase
     * @param revenue revenue credited to the e-mails
     */
    public double variableCost(long sent, long conversions, double revenue) {
        return perEmail * sent + couponShare * revenue + couponPerConversion * conversions;
    }
}
