package io.mailflow.guardrails;

/**
 * One request the guardrails released (or recorded as holdout), remembered for frequency caps,
 * cooldowns and duplicate detection until {@code keepUntil}.
 *
 * @param requestId the request
 * @param campaignId its campaign
 * @param at event time of the release
 * @param counts whether it counts towards frequency caps (false for holdout: nothing was mailed)
 * @param cooldownUntil no further send of this campaign before this time
 * @param keepUntil event time after which no rule needs it any more
 */
public record SentEntry(
        String requestId, String campaignId, long at, boolean counts, long cooldownUntil, long keepUntil) {}
