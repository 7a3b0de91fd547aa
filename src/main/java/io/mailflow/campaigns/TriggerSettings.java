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
 * @param variantReportMs 0: the per-instance bandit (each instance decides by its own counts); above 0: the
 *     global bandit, each instance reports its deltas at most this often (event time, at the schedule clock's
 *     minute ticks) and decides by the job-wide totals read back ({@code topic.variant-stats})
 * @param upliftLearning the outcomes of uplift-targeted decisions are learned ({@code topic.uplift-models} set)
 * @param banditPrior the variant bandit's prior ({@code campaigns.bandit.prior}); null is {@link BanditPrior#UNIFORM}
 */
public record TriggerSettings(
        long defaultCartDelayMs,
        long sessionGapMs,
        long userStateTtlMs,
        long attributionWindowMs,
        int recommendationsPerEmail,
        Recommender recommender,
        ControlGroup controlGroup,
        boolean dryRunJob,
        long variantReportMs,
        boolean upliftLearning,
        BanditPrior banditPrior)
        implements Serializable {

    public TriggerSettings {
        banditPrior = banditPrior == null ? BanditPrior.UNIFORM : banditPrior;
    }

    /** Settings with the uniform prior of the variant bandit. */
    public TriggerSettings(
            long defaultCartDelayMs,
            long sessionGapMs,
            long userStateTtlMs,
            long attributionWindowMs,
            int recommendationsPerEmail,
            Recommender recommender,
            ControlGroup controlGroup,
            boolean dryRunJob,
            long variantReportMs,
            boolean upliftLearning) {
        this(
                defaultCartDelayMs,
                sessionGapMs,
                userStateTtlMs,
                attributionWindowMs,
                recommendationsPerEmail,
                recommender,
                controlGroup,
                dryRunJob,
                variantReportMs,
                upliftLearning,
                BanditPrior.UNIFORM);
    }

    /** The same settings with the variant bandit's prior {@code prior}. */
    public TriggerSettings withBanditPrior(BanditPrior prior) {
        return new TriggerSettings(
                defaultCartDelayMs,
                sessionGapMs,
                userStateTtlMs,
                attributionWindowMs,
                recommendationsPerEmail,
                recommender,
                controlGroup,
                dryRunJob,
                variantReportMs,
                upliftLearning,
                prior);
    }

    /** Settings without uplift learning. */
    public TriggerSettings(
            long defaultCartDelayMs,
            long sessionGapMs,
            long userStateTtlMs,
            long attributionWindowMs,
            int recommendationsPerEmail,
            Recommender recommender,
            ControlGroup controlGroup,
            boolean dryRunJob,
            long variantReportMs) {
        this(
                defaultCartDelayMs,
                sessionGapMs,
                userStateTtlMs,
                attributionWindowMs,
                recommendationsPerEmail,
                recommender,
                controlGroup,
                dryRunJob,
                variantReportMs,
                false);
    }

    /**
     * The same settings with uplift learning on or off: on, the outcome of every uplift-targeted decision is
     * waited for and goes to the uplift trainer; off (no {@code topic.uplift-models}), nothing is kept for it.
     */
    public TriggerSettings withUpliftLearning(boolean on) {
        return new TriggerSettings(
                defaultCartDelayMs,
                sessionGapMs,
                userStateTtlMs,
                attributionWindowMs,
                recommendationsPerEmail,
                recommender,
                controlGroup,
                dryRunJob,
                variantReportMs,
                on,
                banditPrior);
    }

    /** Settings of the per-instance bandit. */
    public TriggerSettings(
            long defaultCartDelayMs,
            long sessionGapMs,
            long userStateTtlMs,
            long attributionWindowMs,
            int recommendationsPerEmail,
            Recommender recommender,
            ControlGroup controlGroup,
            boolean dryRunJob) {
        this(
                defaultCartDelayMs,
                sessionGapMs,
                userStateTtlMs,
                attributionWindowMs,
                recommendationsPerEmail,
                recommender,
                controlGroup,
                dryRunJob,
                0);
    }

    /** Whether the variant bandit decides by job-wide counts ({@code topic.variant-stats} set). */
    public boolean globalBandit() {
        return variantReportMs > 0;
    }

    /** The same settings with the global bandit reporting every {@code reportMs} (0: per instance). */
    public TriggerSettings withVariantReport(long reportMs) {
        return new TriggerSettings(
                defaultCartDelayMs,
                sessionGapMs,
                userStateTtlMs,
                attributionWindowMs,
                recommendationsPerEmail,
                recommender,
                controlGroup,
                dryRunJob,
                reportMs,
                upliftLearning,
                banditPrior);
    }

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
