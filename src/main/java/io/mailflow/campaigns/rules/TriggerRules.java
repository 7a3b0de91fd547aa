package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One rule per {@link TriggerType}, and the decision every pending trigger gets at its due time. To add
 * a trigger: a {@code TriggerType} constant, its parameters in {@code TriggerSpec} and the parser, a
 * {@link TriggerRule} here.
 */
public final class TriggerRules {
    private final Map<TriggerType, TriggerRule> rules = new EnumMap<>(TriggerType.class);
    private final WinBackRule winBack = new WinBackRule();

    /** @param defaultCartDelayMs the delay of session-triggered campaigns that set none ({@code abandoned-cart.delay}) */
    public TriggerRules(long defaultCartDelayMs) {
        for (TriggerRule r : List.of(
                new AbandonedCartRule(defaultCartDelayMs),
                new BrowseAbandonmentRule(),
                winBack,
                new PostPurchaseRule(defaultCartDelayMs),
                new SegmentEntryRule(),
                new ScoreThresholdRule(),
                new CatalogRule(TriggerType.BACK_IN_STOCK),
                new CatalogRule(TriggerType.PRICE_DROP),
                new ScheduledRule())) {
            rules.put(r.type(), r);
        }
        if (rules.size() != TriggerType.values().length) {
            throw new IllegalStateException("a trigger type without a rule: " + rules.keySet());
        }
    }

    /** The rule of a trigger type. */
    public TriggerRule of(TriggerType type) {
        return rules.get(type);
    }

    public WinBackRule winBack() {
        return winBack;
    }

    /**
     * The decision on pending trigger {@code p} at its due time {@code now}, under the definition in force
     * then (a pause or deletion since the trigger fired skips it): skipped unless the campaign is live,
     * cancelled if its rule says so, skipped unless the user is in the audience, sent otherwise.
     *
     * @param c the campaign's definition now, or null if it is unknown
     * @param facts the user's facts now
     */
    public Verdict decide(CampaignDefinition c, Pending p, UserFacts facts, Activity activity, long now) {
        if (c == null || !c.liveAt(now)) {
            return Verdict.SKIPPED;
        }
        if (of(c.trigger().type()).cancelled(p, activity, now)) {
            return Verdict.CANCELLED;
        }
        return c.audience().matches(facts) ? Verdict.SEND : Verdict.SKIPPED;
    }

    /**
     * How long cart and purchase times must be kept: the longest wait of a campaign they can cancel plus
     * the session gap (a session summary arrives up to a gap after its last event); 0 if no campaign can
     * be cancelled by them, and then they are not recorded at all.
     */
    public long activityRetentionMs(List<CampaignDefinition> campaigns, long sessionGapMs) {
        long longest = -1;
        for (CampaignDefinition c : campaigns) {
            longest = Math.max(longest, of(c.trigger().type()).activityHorizonMs(c));
        }
        return longest < 0 ? 0 : longest + sessionGapMs;
    }
}
