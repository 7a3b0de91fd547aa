package io.mailflow.campaigns;

import io.mailflow.recommendations.RecoList;

/**
 * The one broadcast input of the trigger operator: either a campaign update or a recommendation-model
 * update (a broadcast connection takes a single stream, so both kinds travel in one type).
 * Exactly one field is non-null.
 */
public record ControlMessage(CampaignUpdate campaign, RecoList reco) {

    public static ControlMessage of(CampaignUpdate u) {
        return new ControlMessage(u, null);
    }

    public static ControlMessage of(RecoList r) {
        return new ControlMessage(null, r);
    }
}
