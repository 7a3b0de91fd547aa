package io.mailflow.feedback;

/**
 * The funnel counts of one campaign variant (or its holdout) over some stretch of event time. Every
 * count is per e-mail: an e-mail opened three times adds one open. Flink-free and immutable.
 *
 * @param assigned holdout assignments (users deliberately not e-mailed)
 * @param conversions e-mails (or holdout assignments) credited with at least one purchase
 * @param revenue the amount of every purchase credited to the variant
 */
public record VariantCounts(
        String variant,
        boolean holdout,
        long assigned,
        long sent,
        long failed,
        long delivered,
        long opens,
        long machineOpens,
        long clicks,
        long conversions,
        double revenue,
        long unsubscribes,
        long complaints,
        long bounces) {

    public static VariantCounts empty(String variant, boolean holdout) {
        return new VariantCounts(variant, holdout, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Users the variant reached: e-mails sent, or for the holdout, users assigned to it. */
    public long audience() {
        return holdout ? assigned : sent;
    }

    public VariantCounts add(FunnelEvent e) {
        long[] c = {
            assigned,
            sent,
            failed,
            delivered,
            opens,
            machineOpens,
            clicks,
            conversions,
            unsubscribes,
            complaints,
            bounces
        };
        double r = revenue;
        switch (e.kind()) {
            case ASSIGNED -> c[0]++;
            case SENT -> c[1]++;
            case FAILED -> c[2]++;
            case DELIVERED -> c[3]++;
            case OPENED -> c[4]++;
            case MACHINE_OPENED -> c[5]++;
            case CLICKED -> c[6]++;
            case CONVERTED -> {
                c[7]++;
                r += e.revenue();
            }
            case REVENUE -> r += e.revenue();
            case UNSUBSCRIBED -> c[8]++;
            case COMPLAINED -> c[9]++;
            case BOUNCED -> c[10]++;
            case PURCHASE -> {}
        }
        return new VariantCounts(
                variant, holdout, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], r, c[8], c[9], c[10]);
    }

    public VariantCounts plus(VariantCounts o) {
        return new VariantCounts(
                variant,
                holdout || o.holdout,
                assigned + o.assigned,
                sent + o.sent,
                failed + o.failed,
                delivered + o.delivered,
                opens + o.opens,
                machineOpens + o.machineOpens,
                clicks + o.clicks,
                conversions + o.conversions,
                revenue + o.revenue,
                unsubscribes + o.unsubscribes,
                complaints + o.complaints,
                bounces + o.bounces);
    }
}
