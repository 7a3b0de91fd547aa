package io.mailflow.campaigns;

import io.mailflow.recommendations.RecoList;
import io.mailflow.scoring.CampaignUpliftModel;
import io.mailflow.scoring.UpliftExample;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

/**
 * Every state of the trigger operator, declared once: the operator, the state tools and the savepoint
 * tests use these. Keyed state comes from methods (a new descriptor each time, so that nobody shares a
 * mutable descriptor); the broadcast descriptors are constants because Flink's broadcast API wants the
 * same instances on both sides.
 */
public final class Descriptors {
    /** Campaign id to its current definition (including paused ones; deleted ones are removed). */
    public static final MapStateDescriptor<String, CampaignDefinition> CAMPAIGNS =
            new MapStateDescriptor<>("campaigns", Types.STRING, Types.POJO(CampaignDefinition.class));
    /** {@link RecoList#key()} to the latest published list of the recommendation model. */
    public static final MapStateDescriptor<String, RecoList> RECOMMENDATIONS =
            new MapStateDescriptor<>("recommendation-model", Types.STRING, Types.POJO(RecoList.class));

    /**
     * {@link VariantTotal#key()} to the latest job-wide total of the variant, read back from {@code
     * topic.variant-stats} (the global bandit; empty without it). Broadcast state, so a restored instance decides
     * by the totals it had before, not by its own deltas alone, until the next ones arrive (added with the global
     * bandit: savepoints from before simply lack it). Holds no personal data.
     */
    public static final MapStateDescriptor<String, VariantTotal> VARIANT_TOTALS =
            new MapStateDescriptor<>("variant-totals", Types.STRING, Types.POJO(VariantTotal.class));

    /**
     * The trigger operator's side output of the global bandit: each instance's exposure and conversion deltas since
     * its last report, for the variant aggregator ({@link VariantTotalsFunction}).
     */
    public static final OutputTag<VariantStats> VARIANT_DELTAS = new OutputTag<>("variant-deltas") {};

    /**
     * Campaign id to the newest version of its uplift model (issue 16), read back from {@code topic.uplift-models}
     * (empty without it: uplift-targeted campaigns e-mail every non-holdout user). Broadcast state, so a restored
     * instance targets with the model it had (added with uplift targeting: savepoints from before simply lack it).
     * Model weights only, no personal data.
     */
    public static final MapStateDescriptor<String, CampaignUpliftModel> UPLIFT_MODELS =
            new MapStateDescriptor<>("uplift-models", Types.STRING, Types.POJO(CampaignUpliftModel.class));

    /**
     * The trigger operator's side output of outcomes of uplift-targeted decisions (label 1 for a purchase within the
     * attribution window, 0 at its end), for the uplift trainer keyed by campaign.
     */
    public static final OutputTag<UpliftExample> UPLIFT_EXAMPLES = new OutputTag<>("uplift-examples") {};

    /**
     * Campaign id to the user's latest uplift-targeted decision waiting for its outcome (added with uplift
     * targeting: savepoints from before simply lack it). Holds the user's feature vector: cleared on erasure.
     */
    public static MapStateDescriptor<String, UpliftPending> upliftPending() {
        return new MapStateDescriptor<>("uplift-pending", Types.STRING, Types.POJO(UpliftPending.class));
    }

    /** Triggers waiting for their due time, by request id. */
    public static MapStateDescriptor<String, Pending> pendingTriggers() {
        return new MapStateDescriptor<>("pending-triggers", Types.STRING, Types.POJO(Pending.class));
    }

    /** Event times of the user's carts and purchases (bit mask per time), for cancellation checks. */
    public static MapStateDescriptor<Long, Integer> cartPurchaseTimes() {
        return new MapStateDescriptor<>("cart-purchase-times", Types.LONG, Types.INT);
    }

    /** Browse-abandonment view counts per item or category. */
    public static MapStateDescriptor<String, ViewTally> viewTallies() {
        return new MapStateDescriptor<>("view-tallies", Types.STRING, Types.POJO(ViewTally.class));
    }

    /** Event time of the user's latest activity (win-back clock). */
    public static ValueStateDescriptor<Long> lastActivity() {
        return new ValueStateDescriptor<>("last-activity", Types.LONG);
    }

    /** The user's latest segment, score and features. */
    public static ValueStateDescriptor<UserFacts> userFacts() {
        return new ValueStateDescriptor<>("user-facts", Types.POJO(UserFacts.class));
    }

    /** Items the user bought, with when (recommendations leave them out). */
    public static MapStateDescriptor<String, Long> purchasedItems() {
        return new MapStateDescriptor<>("purchased-items", Types.STRING, Types.LONG);
    }

    /** The user's latest experiment exposure (Thompson sampling attribution). */
    public static ValueStateDescriptor<Exposure> exposure() {
        return new ValueStateDescriptor<>("exposure", Types.POJO(Exposure.class));
    }

    /** When the user's one housekeeping timer is set (see {@link io.mailflow.campaigns.rules.Housekeeping}). */
    public static ValueStateDescriptor<Long> housekeepingTimer() {
        return new ValueStateDescriptor<>("housekeeping-timer", Types.LONG);
    }

    /**
     * Scheduled campaign id to the last occurrence it sent the user (added with scheduled sends: savepoints from
     * before simply lack it).
     */
    public static MapStateDescriptor<String, String> scheduledSends() {
        return new MapStateDescriptor<>("scheduled-sends", Types.STRING, Types.STRING);
    }

    /**
     * The recipients of scheduled sends: users with a consenting profile, to the IANA zone of the profile ("" for
     * none), added with scheduled sends. Not part of the facts: those expire after {@code campaigns.user-state-ttl}
     * and come back with the next activity, the zone only with the next profile update. One short string per
     * profile, as the profile join keeps; removed when the profile withdraws consent and on erasure.
     */
    public static ValueStateDescriptor<String> userZone() {
        return new ValueStateDescriptor<>("user-zone", Types.STRING);
    }

    /**
     * Thompson-sampling counts per campaign variant (operator state): this instance's cumulative counts with the
     * per-instance bandit, its unreported deltas with the global one. Switching a job to the global bandit therefore
     * reports its per-instance counts as its first deltas, and the first totals are their sum.
     */
    public static ListStateDescriptor<VariantStats> variantStats() {
        return new ListStateDescriptor<>("variant-stats", Types.POJO(VariantStats.class));
    }

    /**
     * The variant aggregator's keyed state (keyed by campaign): variant id to its job-wide total. Not per user: no
     * personal data.
     */
    public static MapStateDescriptor<String, VariantTotal> variantTotalsOfCampaign() {
        return new MapStateDescriptor<>("campaign-variant-totals", Types.STRING, Types.POJO(VariantTotal.class));
    }

    private Descriptors() {}
}
