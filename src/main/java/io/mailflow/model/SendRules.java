package io.mailflow.model;

import java.util.Optional;

/**
 * The guardrail parameters a campaign attaches to each of its requests, so that the guardrail operator
 * applies the rules that were in force when the trigger fired.
 *
 * @param priority higher goes first when several deferred requests are released at the same moment
 * @param cooldownMs after a send of this campaign to a user, further sends of it are dropped for this long (0: none)
 * @param campaignCapMax most sends of this campaign per user within {@code campaignCapWindowMs} (0: no per-campaign cap)
 * @param campaignCapWindowMs rolling window of the per-campaign cap
 * @param onLimit {@code defer}, {@code drop}, or empty for the job default ({@code guardrails.on-limit}): the wire
 *     form of a {@link LimitAction}. It stays a string because send rules are stored in keyed state (deferred
 *     and waiting requests, inside {@link EmailRequest}) of committed savepoints, and Flink's POJO serializer
 *     cannot change a field's type on restore; {@link #limitAction()} is the typed view.
 * @param maxAgeMs a request whose trigger is older than this by the wall clock at the guardrails' decision is
 *     dropped as stale (0: no limit)
 * @param dryRun decided as usual, never sent: its decisions go to the decisions topic
 * @param catalogPolicy the wire form of the campaign's {@link CatalogPolicy} (empty: {@code skip}); applies only
 *     when a catalog is configured
 * @param requireImages with a catalog, recommend only items that have an image (the campaign's templates show them)
 *
 * <p>{@code maxAgeMs} and {@code dryRun} were added after 0.1.0: requests restored from an older savepoint (deferred
 * or waiting for a profile) get 0 and false, i.e. no limit and a live send, as they had. {@code catalogPolicy} and {@code requireImages}
 * were added after 0.1.0 as well: restored requests get null and false, i.e. {@code skip} without an image rule.
 */
public record SendRules(
        int priority,
        long cooldownMs,
        int campaignCapMax,
        long campaignCapWindowMs,
        String onLimit,
        long maxAgeMs,
        boolean dryRun,
        String catalogPolicy,
        boolean requireImages) {

    /** Rules without catalog preferences (the default {@code skip}, no image rule). */
    public SendRules(
            int priority,
            long cooldownMs,
            int campaignCapMax,
            long campaignCapWindowMs,
            String onLimit,
            long maxAgeMs,
            boolean dryRun) {
        this(priority, cooldownMs, campaignCapMax, campaignCapWindowMs, onLimit, maxAgeMs, dryRun, "", false);
    }

    /** Rules without a maximum age, sending for real. */
    public SendRules(int priority, long cooldownMs, int campaignCapMax, long campaignCapWindowMs, String onLimit) {
        this(priority, cooldownMs, campaignCapMax, campaignCapWindowMs, onLimit, 0L, false);
    }

    /** @param onLimit the campaign's action, or null for the job default */
    public SendRules(int priority, long cooldownMs, int campaignCapMax, long campaignCapWindowMs, LimitAction onLimit) {
        this(priority, cooldownMs, campaignCapMax, campaignCapWindowMs, onLimit == null ? "" : onLimit.wireName());
    }

    public static SendRules none() {
        return new SendRules(0, 0L, 0, 0L, "");
    }

    /** These rules marked as a dry run. */
    public SendRules asDryRun() {
        return new SendRules(
                priority,
                cooldownMs,
                campaignCapMax,
                campaignCapWindowMs,
                onLimit,
                maxAgeMs,
                true,
                catalogPolicy,
                requireImages);
    }

    /** The campaign's catalog policy, typed ({@code skip} when unset). */
    public CatalogPolicy catalog() {
        return CatalogPolicy.ofWire(catalogPolicy);
    }

    /** The campaign's action on a limit, or empty for the job default. */
    public Optional<LimitAction> limitAction() {
        if (onLimit == null || onLimit.isEmpty()) {
            return Optional.empty();
        }
        // only the exact wire form defers (the parser writes lower case); anything else drops, as it always did
        return Optional.of(LimitAction.DEFER.wireName().equals(onLimit) ? LimitAction.DEFER : LimitAction.DROP);
    }
}
