package io.mailflow.model;

/**
 * A campaign's costs as of one version of its definition: what the campaign stage tells the feedback stage,
 * so that statistics can report ROI. A lower version than the one in force is ignored (as for the definition).
 *
 * @param costs null or {@link CampaignCosts#NONE} when the campaign has none
 */
public record CampaignCostUpdate(String campaignId, long version, CampaignCosts costs)
        implements java.io.Serializable {}
