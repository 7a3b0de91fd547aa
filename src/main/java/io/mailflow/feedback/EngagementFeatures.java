package io.mailflow.feedback;

/**
 * A user's e-mail engagement, as of {@code asOf}: exponentially decayed counts (event-time half-life
 * {@code features.decay-half-life}) of e-mails sent, opened (by a person), clicked and converted, and
 * smoothed rates. Written to {@code topic.engagement-features} on every change, for models and
 * segments to use; version {@link #VERSION}.
 *
 * @param openRate (opens + 1) / (sends + 2): Laplace-smoothed, so one e-mail does not make a rate of 0 or 1
 * @param clickRate (clicks + 1) / (sends + 2)
 * @param unsubscribed whether the user unsubscribed or complained (they get no more e-mail)
 */
public record EngagementFeatures(
        String userId,
        long asOf,
        double sends,
        double opens,
        double clicks,
        double conversions,
        double openRate,
        double clickRate,
        long lastOpenAt,
        long lastClickAt,
        boolean unsubscribed,
        int version) {
    public static final int VERSION = 1;

    public static EngagementFeatures empty(String userId) {
        return new EngagementFeatures(userId, Long.MIN_VALUE, 0, 0, 0, 0, 0.5, 0.5, -1, -1, false, VERSION);
    }

    /** These features decayed to {@code at} and updated with {@code e} (events must come in time order). */
    public EngagementFeatures update(FunnelEvent e, double halfLifeMs) {
        long at = Math.max(e.at(), asOf);
        double f = asOf == Long.MIN_VALUE ? 1.0 : Math.pow(0.5, (at - asOf) / halfLifeMs);
        double s = sends * f;
        double o = opens * f;
        double c = clicks * f;
        double v = conversions * f;
        long lo = lastOpenAt;
        long lc = lastClickAt;
        boolean u = unsubscribed;
        switch (e.kind()) {
            case SENT -> s += 1;
            case OPENED -> {
                o += 1;
                lo = e.at();
            }
            case CLICKED -> {
                c += 1;
                lc = e.at();
            }
            case CONVERTED -> v += 1;
            case UNSUBSCRIBED, COMPLAINED -> u = true;
            default -> {}
        }
        return new EngagementFeatures(userId, at, s, o, c, v, (o + 1) / (s + 2), (c + 1) / (s + 2), lo, lc, u, VERSION);
    }

    /** Whether a funnel step changes a user's engagement features. */
    public static boolean relevant(FunnelEvent.Kind k) {
        return switch (k) {
            case SENT, OPENED, CLICKED, CONVERTED, UNSUBSCRIBED, COMPLAINED -> true;
            default -> false;
        };
    }
}
