package io.mailflow.campaigns;

import io.mailflow.recommendations.RecoList;
import io.mailflow.scoring.CampaignUpliftModel;

/**
 * The one broadcast input of the trigger operator: either a campaign update or a recommendation-model
 * update (a broadcast connection takes a single stream, so both kinds travel in one type).
 * Exactly one field is non-null. The item watchers' broadcast input also carries erasures ({@link #erasure}); the
 * trigger operator's, the scheduled sends' clock ({@link #tick}) and the global bandit's variant totals
 * ({@link #total}) and the campaigns' uplift models ({@link #uplift}).
 */
public record ControlMessage(
        CampaignUpdate campaign,
        RecoList reco,
        String erasedUser,
        Long tick,
        VariantTotal total,
        CampaignUpliftModel uplift) {

    public ControlMessage(CampaignUpdate campaign, RecoList reco, String erasedUser, Long tick, VariantTotal total) {
        this(campaign, reco, erasedUser, tick, total, null);
    }

    /** A version of a campaign's uplift model read back from {@code topic.uplift-models}. */
    public static ControlMessage of(CampaignUpliftModel m) {
        return new ControlMessage(null, null, null, null, null, m);
    }

    public ControlMessage(CampaignUpdate campaign, RecoList reco, String erasedUser, Long tick) {
        this(campaign, reco, erasedUser, tick, null);
    }

    public ControlMessage(CampaignUpdate campaign, RecoList reco, String erasedUser) {
        this(campaign, reco, erasedUser, null);
    }

    /** A job-wide variant total read back from {@code topic.variant-stats} (the global bandit). */
    public static ControlMessage of(VariantTotal t) {
        return new ControlMessage(null, null, null, null, t);
    }

    public ControlMessage(CampaignUpdate campaign, RecoList reco) {
        this(campaign, reco, null);
    }

    /** The scheduled sends' clock: event time has reached {@code at} (see {@link ScheduleClock}). */
    public static ControlMessage tick(long at) {
        return new ControlMessage(null, null, null, at);
    }

    /**
     * A user's erasure broadcast to the item watchers, which then visit every item of the subtask
     * ({@code applyToKeyedState}): only the fallback for users the watch index cannot vouch for (see
     * {@code WatchIndexFunction}); the rest reach exactly their items through the index.
     */
    public static ControlMessage erasure(String userId) {
        return new ControlMessage(null, null, userId);
    }

    public static ControlMessage of(CampaignUpdate u) {
        return new ControlMessage(u, null);
    }

    public static ControlMessage of(RecoList r) {
        return new ControlMessage(null, r);
    }
}
