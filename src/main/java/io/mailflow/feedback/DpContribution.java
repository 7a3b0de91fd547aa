package io.mailflow.feedback;

/**
 * One user's contribution to one campaign's figures in one window, before and after clipping.
 * Flink-free. Holdout events and funnel steps that no released figure counts are not contributions.
 *
 * @param revenueCents attributed revenue in cents
 */
public record DpContribution(
        String campaignId, long sent, long opens, long clicks, long conversions, long revenueCents) {

    public static DpContribution empty() {
        return new DpContribution(null, 0, 0, 0, 0, 0);
    }

    /** Whether {@code e} adds to a released figure (the job's own sends and what followed them). */
    public static boolean counts(FunnelEvent e) {
        if (e.holdout() || e.campaignId() == null) {
            return false;
        }
        return switch (e.kind()) {
            case SENT, OPENED, CLICKED, CONVERTED, REVENUE -> true;
            default -> false;
        };
    }

    public DpContribution add(FunnelEvent e) {
        long cents = Math.round(Math.max(0, e.revenue()) * 100);
        String id = campaignId == null ? e.campaignId() : campaignId;
        return switch (e.kind()) {
            case SENT -> new DpContribution(id, sent + 1, opens, clicks, conversions, revenueCents);
            case OPENED -> new DpContribution(id, sent, opens + 1, clicks, conversions, revenueCents);
            case CLICKED -> new DpContribution(id, sent, opens, clicks + 1, conversions, revenueCents);
            case CONVERTED -> new DpContribution(id, sent, opens, clicks, conversions + 1, revenueCents + cents);
            case REVENUE -> new DpContribution(id, sent, opens, clicks, conversions, revenueCents + cents);
            default -> this;
        };
    }

    public DpContribution plus(DpContribution o) {
        return new DpContribution(
                campaignId == null ? o.campaignId : campaignId,
                sent + o.sent,
                opens + o.opens,
                clicks + o.clicks,
                conversions + o.conversions,
                revenueCents + o.revenueCents);
    }

    /**
     * The contribution bound: each count at most {@code maxCount}, revenue at most {@code maxRevenueCents}.
     * This is what makes one user's influence on a figure (its sensitivity) known in advance.
     */
    public DpContribution clip(long maxCount, long maxRevenueCents) {
        return new DpContribution(
                campaignId,
                Math.min(sent, maxCount),
                Math.min(opens, maxCount),
                Math.min(clicks, maxCount),
                Math.min(conversions, maxCount),
                Math.min(revenueCents, maxRevenueCents));
    }
}
