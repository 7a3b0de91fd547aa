package io.mailflow.campaigns;

import java.util.List;
import java.util.Locale;

/**
 * A campaign's trigger and its parameters. Parameters that do not apply to the type keep their
 * neutral defaults (0, empty), so one flat record serves every trigger.
 *
 * <p>{@code scope} and {@code direction} are closed sets, typed as {@link Scope} and {@link Direction} by
 * {@link #browseScope()} and {@link #crossing()}, but stored as their wire form (as written in the document):
 * the spec lives in broadcast state (inside {@link CampaignDefinition}) of committed savepoints, and Flink's
 * POJO serializer cannot change a field's type on restore. The parser checks them only for the trigger type
 * they apply to.
 *
 * @param type the trigger
 * @param delayMs wait after the triggering fact before deciding (abandoned cart: -1 means the job's
 *     {@code abandoned-cart.delay})
 * @param minViews browse abandonment: views of one item or category that count as browsing it
 * @param scope browse abandonment: {@code item} or {@code category} (see {@link #browseScope()})
 * @param windowMs browse abandonment: views further apart than this start a new count
 * @param inactivityMs win-back: time without a session
 * @param segments segment entry: the segments whose entry triggers (empty: any change of segment)
 * @param threshold score threshold: the propensity level to cross
 * @param direction score threshold: {@code up} (from below to at-or-above) or {@code down} (see {@link #crossing()})
 * @param minDropShare price drop: the least fall of the price, as a share of the price the user saw (0.1: 10 %)
 * @param dedupMs back in stock, price drop: a user gets at most one e-mail of the trigger type per item within
 *     this long
 *
 * @param schedule scheduled: when and at which ramp it sends; null for every other trigger
 *
 * <p>{@code minDropShare} and {@code dedupMs} were added after the committed savepoints: definitions restored
 * from them get 0 (their triggers are not catalog-driven, where both are unused); {@code schedule} came later
 * still, and is null in them (none of them is scheduled).
 */
public record TriggerSpec(
        TriggerType type,
        long delayMs,
        int minViews,
        String scope,
        long windowMs,
        long inactivityMs,
        List<Integer> segments,
        double threshold,
        String direction,
        double minDropShare,
        long dedupMs,
        ScheduleSpec schedule)
        implements java.io.Serializable {

    /** A spec of a trigger that is not scheduled. */
    public TriggerSpec(
            TriggerType type,
            long delayMs,
            int minViews,
            String scope,
            long windowMs,
            long inactivityMs,
            List<Integer> segments,
            double threshold,
            String direction,
            double minDropShare,
            long dedupMs) {
        this(
                type,
                delayMs,
                minViews,
                scope,
                windowMs,
                inactivityMs,
                segments,
                threshold,
                direction,
                minDropShare,
                dedupMs,
                null);
    }

    /** A spec of a per-user trigger (as before the catalog-driven ones existed). */
    public TriggerSpec(
            TriggerType type,
            long delayMs,
            int minViews,
            String scope,
            long windowMs,
            long inactivityMs,
            List<Integer> segments,
            double threshold,
            String direction) {
        this(type, delayMs, minViews, scope, windowMs, inactivityMs, segments, threshold, direction, 0.0, 0L);
    }

    /** What browse abandonment counts views of. */
    public enum Scope {
        ITEM,
        CATEGORY;

        /** The form in campaign documents: the lower-case name. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses the exact wire form; null if unknown. */
        public static Scope parse(String s) {
            for (Scope v : values()) {
                if (v.wireName().equals(s)) {
                    return v;
                }
            }
            return null;
        }
    }

    /** Which crossing of the threshold fires a score-threshold trigger. */
    public enum Direction {
        /** From below to at-or-above. */
        UP,
        /** From at-or-above to below. */
        DOWN;

        /** The form in campaign documents: the lower-case name. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses the exact wire form; null if unknown. */
        public static Direction parse(String s) {
            for (Direction v : values()) {
                if (v.wireName().equals(s)) {
                    return v;
                }
            }
            return null;
        }
    }

    /** The stored {@code scope}, typed: anything but {@code category} counts items. */
    public Scope browseScope() {
        return Scope.CATEGORY.wireName().equals(scope) ? Scope.CATEGORY : Scope.ITEM;
    }

    /** The stored {@code direction}, typed: anything but {@code down} is upwards. */
    public Direction crossing() {
        return Direction.DOWN.wireName().equals(direction) ? Direction.DOWN : Direction.UP;
    }
}
