package io.mailflow.campaigns;

import io.mailflow.model.ControlGroup;
import io.mailflow.recommendations.Recommender;
import java.io.Serializable;

/**
 * Job-level parameters of the trigger operator.
 *
 * @param defaultCartDelayMs delay of abandoned-cart campaigns that do not set one ({@code abandoned-cart.delay})
 * @param sessionGapMs the session gap: a session summary arrives up to this long after its last event
 * @param userStateTtlMs per-user facts (segment, score, features, recent and purchased items) are dropped
 *     this long after their last update (event time)
 * @param attributionWindowMs a purchase this soon after a request counts as its conversion (Thompson sampling)
 * @param recommendationsPerEmail how many items to recommend in each e-mail
 * @param recommender the ranking
 * @param controlGroup the global control group: its users' requests are holdouts of every campaign, never mailed
 * @param dryRunJob the whole job is a dry run ({@code job.dry-run}): every campaign's status shows dryRun
 */
public record TriggerSettings(
        long defaultCartDelayMs,
        long sessionGapMs,
        long userStateTtlMs,
        long attributionWindowMs,
        int recommendationsPerEmail,
        Recommender recommender,
        ControlGroup controlGroup,
        boolean dryRunJob)
        implements Serializable {

    /** Settings of a job that is not a dry run. */
    public TriggerSettings(
            long defaultCartDelayMs,
            long sessionGapMs,
            long userStateTtlMs,
            long attributionWindowMs,
            int recommendationsPerEmail,
            Recommender recommender,
            ControlGroup controlGroup) {
        this(
                defaultCartDelayMs,
                sessionGapMs,
                userStateTtlMs,
                attributionWindowMs,
                recommendationsPerEmail,
                recommender,
                controlGroup,
                false);
    }

    /** Settings without a global control group. */
    public TriggerSettings(
            long defaultCartDelayMs,
            long sessionGapMs,
            long userStateTtlMs,
            long attributionWindowMs,
            int recommendationsPerEmail,
            Recommender recommender) {
        this(
                defaultCartDelayMs,
                sessionGapMs,
                userStateTtlMs,
                attributionWindowMs,
                recommendationsPerEmail,
                recommender,
                ControlGroup.OFF);
    }
}
