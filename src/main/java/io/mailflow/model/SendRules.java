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
 */
public record SendRules(int priority, long cooldownMs, int campaignCapMax, long campaignCapWindowMs, String onLimit) {

    /** @param onLimit the campaign's action, or null for the job default */
    public SendRules(int priority, long cooldownMs, int campaignCapMax, long campaignCapWindowMs, LimitAction onLimit) {
        this(priority, cooldownMs, campaignCapMax, campaignCapWindowMs, onLimit == null ? "" : onLimit.wireName());
    }

    public static SendRules none() {
        return new SendRules(0, 0L, 0, 0L, "");
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
