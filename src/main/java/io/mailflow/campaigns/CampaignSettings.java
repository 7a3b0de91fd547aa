package io.mailflow.campaigns;

import io.mailflow.campaigns.watch.WatchSettings;
import java.io.Serializable;
import java.util.List;

/**
 * What the campaign stage needs from the configuration.
 *
 * @param templateDir where templates live (a campaign naming a missing template is rejected)
 * @param triggers the job-level parameters of the trigger operator
 * @param initial the definitions of {@code campaigns.file}, already validated (see {@link CampaignStage#load})
 * @param watch the bounds of the item watchers of the catalog-driven triggers (used only with a catalog)
 * @param uplift how the campaigns' uplift models are learned (used only with an uplift models source)
 */
public record CampaignSettings(
        String templateDir,
        TriggerSettings triggers,
        List<CampaignDefinition> initial,
        WatchSettings watch,
        UpliftTraining uplift)
        implements Serializable {

    /** Settings with the default uplift training. */
    public CampaignSettings(
            String templateDir, TriggerSettings triggers, List<CampaignDefinition> initial, WatchSettings watch) {
        this(templateDir, triggers, initial, watch, UpliftTraining.DEFAULT);
    }

    /** Default watcher bounds: 1,000 watchers per item, for 30 days after their last view or cart. */
    public static final WatchSettings DEFAULT_WATCH =
            new WatchSettings(1000, java.time.Duration.ofDays(30).toMillis());

    public CampaignSettings(String templateDir, TriggerSettings triggers, List<CampaignDefinition> initial) {
        this(templateDir, triggers, initial, DEFAULT_WATCH);
    }
}
