package io.mailflow.campaigns;

import java.io.Serializable;
import java.util.List;

/**
 * What the campaign stage needs from the configuration.
 *
 * @param templateDir where templates live (a campaign naming a missing template is rejected)
 * @param triggers the job-level parameters of the trigger operator
 * @param initial the definitions of {@code campaigns.file}, already validated (see {@link CampaignStage#load})
 */
public record CampaignSettings(String templateDir, TriggerSettings triggers, List<CampaignDefinition> initial)
        implements Serializable {}
