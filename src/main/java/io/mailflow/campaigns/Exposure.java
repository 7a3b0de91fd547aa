package io.mailflow.campaigns;

/**
 * A user's latest e-mail request of a Thompson-sampled campaign, waiting for a conversion (a purchase
 * within the attribution window). Keyed state of {@link TriggerFunction}; cleared on conversion or
 * when the window ends.
 */
public record Exposure(String campaignId, String variant, long at) {}
