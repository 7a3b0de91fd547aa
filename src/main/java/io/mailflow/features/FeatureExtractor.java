package io.mailflow.features;

import io.mailflow.model.EventType;
import io.mailflow.model.LineItem;
import io.mailflow.model.SessionSummary;
import java.io.Serializable;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * Folds session summaries into a {@link UserHistory} and turns it into a {@link FeatureVector}.
 * Pure functions of their inputs, so the keyed operator around it stays trivial and replay gives
 * the same features.
 */
public final class FeatureExtractor implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double MS_PER_HOUR = 3_600_000.0;

    private final double halfLifeMs;
    private final int maxCategories;

    /**
     * @param halfLife event-time half-life of decayed counts
     * @param maxCategories most categories remembered per user; the weakest is evicted beyond it, so a
     *     user browsing the whole catalogue cannot grow state without bound
     */
    public FeatureExtractor(Duration halfLife, int maxCategories) {
        if (halfLife.isZero() || halfLife.isNegative() || maxCategories < 1) {
            throw new IllegalArgumentException("halfLife must be positive and maxCategories >= 1");
        }
        this.halfLifeMs = halfLife.toMillis();
        this.maxCategories = maxCategories;
    }

    /** The history after {@code s}; {@code previous} may be null for a user seen for the first time. */
    public UserHistory update(UserHistory previous, SessionSummary s) {
        UserHistory h = previous == null ? empty(s.start()) : previous;
        // Sessions can be summarised slightly out of order; never decay backwards in time.
        long now = Math.max(h.decayedAt(), s.end());
        double f = decayFactor(now - h.decayedAt());

        double[] counts = new double[EventType.values().length];
        for (EventType type : EventType.values()) {
            counts[type.ordinal()] = h.eventCounts()[type.ordinal()] * f + count(s, type);
        }
        Map<String, Double> categories = new HashMap<>();
        h.categories().forEach((c, v) -> categories.put(c, v * f));
        for (LineItem item : s.cartItems()) {
            if (item.categoryId() != null) {
                categories.merge(item.categoryId(), 1.0, Double::sum);
            }
        }
        while (categories.size() > maxCategories) {
            categories.entrySet().stream()
                    .min(Map.Entry.comparingByValue())
                    .ifPresent(e -> categories.remove(e.getKey()));
        }
        // a history made by e-mail signals alone has no session yet: this one is the user's first
        boolean first = previous == null || previous.totalSessions() == 0;
        return new UserHistory(
                first ? s.start() : Math.min(h.firstSeen(), s.start()),
                first ? s.end() : Math.max(h.lastSessionEnd(), s.end()),
                first ? 0 : Math.max(0, s.start() - h.lastSessionEnd()),
                now,
                h.sessions() * f + 1,
                h.revenue() * f + s.revenue(),
                counts,
                h.purchaseSessions() * f + (s.purchases() > 0 ? 1 : 0),
                h.totalSessions() + 1,
                h.totalDurationMs() + s.durationMs(),
                h.cartSessions() + (s.addToCarts() > 0 ? 1 : 0),
                h.abandonedSessions() + (s.abandonedCart() ? 1 : 0),
                categories,
                ExtraSignals.session(h.signals(), f, previous, s));
    }

    /**
     * The history after an e-mail signal ({@code previous} may be null: a user who got e-mail before any session).
     * Everything decayed is brought forward to the signal's time, so the decay stays exact.
     */
    public UserHistory signal(UserHistory previous, FeatureSignal e) {
        UserHistory h = aged(previous == null ? empty(e.at()) : previous, e.at());
        return withSignals(h, ExtraSignals.email(h.signals(), 1.0, e));
    }

    /**
     * History {@code h} as at {@code at} with nothing new in it: every decayed quantity brought forward to {@code at}
     * (never backwards), everything else as it was. An idle snapshot is made from it; it is not stored, so the
     * history's TTL keeps counting from the user's last real input.
     */
    public UserHistory aged(UserHistory h, long at) {
        long now = Math.max(h.decayedAt(), at);
        double f = decayFactor(now - h.decayedAt());
        double[] counts = new double[h.eventCounts().length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = h.eventCounts()[i] * f;
        }
        Map<String, Double> categories = new HashMap<>();
        h.categories().forEach((c, v) -> categories.put(c, v * f));
        return new UserHistory(
                h.firstSeen(),
                h.lastSessionEnd(),
                h.lastGapMs(),
                now,
                h.sessions() * f,
                h.revenue() * f,
                counts,
                h.purchaseSessions() * f,
                h.totalSessions(),
                h.totalDurationMs(),
                h.cartSessions(),
                h.abandonedSessions(),
                categories,
                h.signals() == null ? null : ExtraSignals.decay(h.signals(), f));
    }

    private static UserHistory withSignals(UserHistory h, ModelSignals signals) {
        return new UserHistory(
                h.firstSeen(),
                h.lastSessionEnd(),
                h.lastGapMs(),
                h.decayedAt(),
                h.sessions(),
                h.revenue(),
                h.eventCounts(),
                h.purchaseSessions(),
                h.totalSessions(),
                h.totalDurationMs(),
                h.cartSessions(),
                h.abandonedSessions(),
                h.categories(),
                signals);
    }

    /** The propensity model's extra inputs of a history ({@link ModelExtras}), as of its latest session's end. */
    public ModelExtras extras(UserHistory h) {
        return ExtraSignals.extras(h);
    }

    /** The feature vector of a history, laid out as {@link FeatureVector}. */
    public double[] vector(UserHistory h) {
        double[] v = new double[FeatureVector.SIZE];
        v[FeatureVector.RECENCY_HOURS] = Math.log1p(h.lastGapMs() / MS_PER_HOUR);
        v[FeatureVector.FREQUENCY] = Math.log1p(h.sessions());
        v[FeatureVector.MONETARY] = Math.log1p(Math.max(0, h.revenue()));
        for (int i = 0; i < h.eventCounts().length; i++) {
            v[FeatureVector.EVENTS_OFFSET + i] = Math.log1p(h.eventCounts()[i]);
        }
        double meanMinutes = h.totalSessions() == 0 ? 0 : h.totalDurationMs() / (double) h.totalSessions() / 60_000.0;
        v[FeatureVector.AVG_SESSION_MINUTES] = Math.log1p(meanMinutes);
        v[FeatureVector.CART_ABANDONMENT] =
                h.cartSessions() == 0 ? 0 : h.abandonedSessions() / (double) h.cartSessions();
        v[FeatureVector.PURCHASE_FREQUENCY] = h.sessions() == 0 ? 0 : h.purchaseSessions() / h.sessions();
        v[FeatureVector.SEARCH_ACTIVITY] =
                h.sessions() == 0 ? 0 : h.eventCounts()[EventType.SEARCH.ordinal()] / h.sessions();
        double total = h.categories().values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
        double top =
                h.categories().values().stream().max(Comparator.naturalOrder()).orElse(0.0);
        v[FeatureVector.TOP_CATEGORY] = total == 0 ? 0 : top / total;
        return v;
    }

    private static int count(SessionSummary s, EventType type) {
        return switch (type) {
            case VIEW -> s.views();
            case CLICK -> s.clicks();
            case SEARCH -> s.searches();
            case ADD_TO_CART -> s.addToCarts();
            case REMOVE_FROM_CART -> s.removeFromCarts();
            case FAVORITE -> s.favorites();
            case PURCHASE -> s.purchases();
        };
    }

    /** {@code 0.5^(elapsed / halfLife)}: the weight left after {@code elapsedMs}. */
    double decayFactor(long elapsedMs) {
        return elapsedMs <= 0 ? 1.0 : Math.pow(0.5, elapsedMs / halfLifeMs);
    }

    private static UserHistory empty(long at) {
        return new UserHistory(
                at, at, 0, at, 0, 0, new double[EventType.values().length], 0, 0, 0, 0, 0, Map.of(), null);
    }
}
