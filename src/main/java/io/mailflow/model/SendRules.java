package io.mailflow.model;

/**
 * The guardrail parameters a campaign attaches to each of its requests, so that the guardrail operator
 * applies the rules that were in force when the trigger fired.
 *
 * @param priority higher goes first when several deferred requests are released at the same moment
 * @param cooldownMs after a send of this campaign to a user, further sends of it are dropped for this long (0: none)
 * @param campaignCapMax most sends of this campaign per user within {@code campaignCapWindowMs} (0: no per-campaign cap)
 * @param campaignCapWindowMs rolling window of the per-campaign cap
 * @param onLimit {@code defer}, {@code drop}, or empty for the job default ({@code guardrails.on-limit})
 */
public record SendRules(int priority, long cooldownMs, int campaignCapMax, long campaignCapWindowMs, String onLimit) {

    public static SendRules none() {
        return new SendRules(0, 0L, 0, 0L, "");
    }
}
