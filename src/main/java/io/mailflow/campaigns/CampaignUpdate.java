package io.mailflow.campaigns;

/**
 * A validated campaign definition on its way to broadcast state.
 *
 * @param definition the new definition (its status may be paused or deleted)
 * @param source where it came from: the control topic's {@code topic/partition@offset} or the file
 */
public record CampaignUpdate(CampaignDefinition definition, String source) {}
