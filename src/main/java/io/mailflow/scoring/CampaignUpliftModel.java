package io.mailflow.scoring;

/** A version of one campaign's uplift model, as the {@link UpliftTrainer} publishes it. */
public record CampaignUpliftModel(String campaignId, UpliftModel model) {}
