package io.mailflow.campaigns;

import java.util.List;

/**
 * A campaign's trigger and its parameters. Parameters that do not apply to the type keep their
 * neutral defaults (0, empty), so one flat record serves every trigger.
 *
 * @param type the trigger
 * @param delayMs wait after the triggering fact before deciding (abandoned cart: -1 means the job's
 *     {@code abandoned-cart.delay})
 * @param minViews browse abandonment: views of one item or category that count as browsing it
 * @param scope browse abandonment: {@code item} or {@code category}
 * @param windowMs browse abandonment: views further apart than this start a new count
 * @param inactivityMs win-back: time without a session
 * @param segments segment entry: the segments whose entry triggers (empty: any change of segment)
 * @param threshold score threshold: the propensity level to cross
 * @param direction score threshold: {@code up} (from below to at-or-above) or {@code down}
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
        String direction) implements java.io.Serializable {}
