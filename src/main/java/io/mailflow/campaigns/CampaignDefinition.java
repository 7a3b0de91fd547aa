package io.mailflow.campaigns;

import io.mailflow.model.CampaignCosts;
import io.mailflow.model.CatalogPolicy;
import io.mailflow.model.LimitAction;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A validated campaign (see docs/campaigns.md for the document schema). Immutable; a change is a new
 * definition with a higher {@code version}. Lives in broadcast state of the trigger operator.
 *
 * <p>{@code status}, {@code selection} and {@code onLimit} are closed sets, typed as {@link Lifecycle},
 * {@link Selection} and {@link LimitAction} by {@link #lifecycle()}, {@link #selectionMethod()} and
 * {@link #limitAction()}, but stored as their wire form (the lower-case name, as in the campaign document):
 * definitions live in the broadcast state of committed savepoints, and Flink's POJO serializer cannot change
 * a field's type on restore.
 *
 * @param id unique id, also the control-topic key
 * @param version monotonically increasing; an update with a lower version than the current one is ignored
 * @param status {@code active}, {@code paused} or {@code deleted} (see {@link #lifecycle()})
 * @param name human-readable name
 * @param priority higher wins when deferred sends compete for the same moment
 * @param trigger the trigger and its parameters
 * @param audience who may be e-mailed
 * @param variants experiment arms (at least one)
 * @param selection {@code hash} (deterministic by user and campaign) or {@code thompson} (bandit on conversions)
 *     (see {@link #selectionMethod()})
 * @param holdoutPercent share of triggered users held out (tracked, not mailed), in [0, 100)
 * @param cooldownMs after a send, the same user gets no further e-mail of this campaign for this long
 * @param capMax most e-mails of this campaign per user within {@code capWindowMs} (0: none)
 * @param capWindowMs rolling window of {@code capMax}
 * @param onLimit {@code defer}, {@code drop}, or empty for the job default (see {@link #limitAction()})
 * @param activeFrom event time from which it may trigger, inclusive (epoch millis; 0: always)
 * @param activeUntil event time until which it may trigger, exclusive (Long.MAX_VALUE: forever)
 * @param maxAgeMs a request whose trigger (event time) is older than this by the wall clock when the guardrails
 *     decide is dropped as stale (0: no limit); a backfill and dry runs are exempt
 * @param dryRun decide everything as usual but send nothing: every decision goes to the decisions topic
 * @param catalogPolicy with a catalog, what to do when none of a request's items is purchasable: the wire form of
 *     a {@link CatalogPolicy} ({@code skip}, {@code recommend}, {@code keep}); empty for {@code skip}
 * @param requireImages with a catalog, recommend only items with an image
 * @param costs what the campaign costs (per e-mail, fixed, coupons), for ROI in the statistics; null or
 *     {@link CampaignCosts#NONE} for none (see {@link #costsOrNone()})
 * @param uplift targeting by predicted uplift ({@code targeting: {uplift: ...}}), or null: every non-holdout user
 *     is e-mailed (issue 16, docs/uplift.md)
 *
 * <p>{@code maxAgeMs} and {@code dryRun} were added after 0.1.0: definitions restored from an older savepoint
 * get 0 and false, i.e. no limit and live sends, as they had; so were {@code catalogPolicy} and
 * {@code requireImages} (null and false: {@code skip}, no image rule), and {@code costs} (null: no costs, no ROI),
 * and {@code uplift} (null: no uplift targeting).
 */
public record CampaignDefinition(
        String id,
        long version,
        String status,
        String name,
        int priority,
        TriggerSpec trigger,
        Audience audience,
        List<Variant> variants,
        String selection,
        double holdoutPercent,
        long cooldownMs,
        int capMax,
        long capWindowMs,
        String onLimit,
        long activeFrom,
        long activeUntil,
        long maxAgeMs,
        boolean dryRun,
        String catalogPolicy,
        boolean requireImages,
        CampaignCosts costs,
        UpliftSpec uplift)
        implements java.io.Serializable {

    /** A definition without uplift targeting (as before it existed). */
    public CampaignDefinition(
            String id,
            long version,
            String status,
            String name,
            int priority,
            TriggerSpec trigger,
            Audience audience,
            List<Variant> variants,
            String selection,
            double holdoutPercent,
            long cooldownMs,
            int capMax,
            long capWindowMs,
            String onLimit,
            long activeFrom,
            long activeUntil,
            long maxAgeMs,
            boolean dryRun,
            String catalogPolicy,
            boolean requireImages,
            CampaignCosts costs) {
        this(
                id,
                version,
                status,
                name,
                priority,
                trigger,
                audience,
                variants,
                selection,
                holdoutPercent,
                cooldownMs,
                capMax,
                capWindowMs,
                onLimit,
                activeFrom,
                activeUntil,
                maxAgeMs,
                dryRun,
                catalogPolicy,
                requireImages,
                costs,
                null);
    }

    /** A definition without costs (as before they existed). */
    public CampaignDefinition(
            String id,
            long version,
            String status,
            String name,
            int priority,
            TriggerSpec trigger,
            Audience audience,
            List<Variant> variants,
            String selection,
            double holdoutPercent,
            long cooldownMs,
            int capMax,
            long capWindowMs,
            String onLimit,
            long activeFrom,
            long activeUntil,
            long maxAgeMs,
            boolean dryRun,
            String catalogPolicy,
            boolean requireImages) {
        this(
                id,
                version,
                status,
                name,
                priority,
                trigger,
                audience,
                variants,
                selection,
                holdoutPercent,
                cooldownMs,
                capMax,
                capWindowMs,
                onLimit,
                activeFrom,
                activeUntil,
                maxAgeMs,
                dryRun,
                catalogPolicy,
                requireImages,
                null);
    }

    /** A definition without a maximum trigger age, sending for real (as before those fields existed). */
    public CampaignDefinition(
            String id,
            long version,
            String status,
            String name,
            int priority,
            TriggerSpec trigger,
            Audience audience,
            List<Variant> variants,
            String selection,
            double holdoutPercent,
            long cooldownMs,
            int capMax,
            long capWindowMs,
            String onLimit,
            long activeFrom,
            long activeUntil) {
        this(
                id,
                version,
                status,
                name,
                priority,
                trigger,
                audience,
                variants,
                selection,
                holdoutPercent,
                cooldownMs,
                capMax,
                capWindowMs,
                onLimit,
                activeFrom,
                activeUntil,
                0L,
                false,
                "",
                false);
    }

    /** This definition with a maximum trigger age (0: none) and dry-run flag. */
    public CampaignDefinition withOperations(long maxAgeMs, boolean dryRun) {
        return new CampaignDefinition(
                id,
                version,
                status,
                name,
                priority,
                trigger,
                audience,
                variants,
                selection,
                holdoutPercent,
                cooldownMs,
                capMax,
                capWindowMs,
                onLimit,
                activeFrom,
                activeUntil,
                maxAgeMs,
                dryRun,
                catalogPolicy,
                requireImages,
                costs,
                uplift);
    }

    /** This definition with uplift targeting (null: none, every non-holdout user is e-mailed). */
    public CampaignDefinition withUplift(UpliftSpec spec) {
        return new CampaignDefinition(
                id,
                version,
                status,
                name,
                priority,
                trigger,
                audience,
                variants,
                selection,
                holdoutPercent,
                cooldownMs,
                capMax,
                capWindowMs,
                onLimit,
                activeFrom,
                activeUntil,
                maxAgeMs,
                dryRun,
                catalogPolicy,
                requireImages,
                costs,
                spec);
    }

    /** This definition with its costs (null or {@link CampaignCosts#NONE}: none). */
    public CampaignDefinition withCosts(CampaignCosts costs) {
        return new CampaignDefinition(
                id,
                version,
                status,
                name,
                priority,
                trigger,
                audience,
                variants,
                selection,
                holdoutPercent,
                cooldownMs,
                capMax,
                capWindowMs,
                onLimit,
                activeFrom,
                activeUntil,
                maxAgeMs,
                dryRun,
                catalogPolicy,
                requireImages,
                costs,
                uplift);
    }

    /** This definition with its catalog preferences. */
    public CampaignDefinition withCatalog(CatalogPolicy policy, boolean requireImages) {
        return new CampaignDefinition(
                id,
                version,
                status,
                name,
                priority,
                trigger,
                audience,
                variants,
                selection,
                holdoutPercent,
                cooldownMs,
                capMax,
                capWindowMs,
                onLimit,
                activeFrom,
                activeUntil,
                maxAgeMs,
                dryRun,
                policy.wireName(),
                requireImages,
                costs,
                uplift);
    }

    /** The typed form of every field; the stored fields hold the wire names. */
    public CampaignDefinition(
            String id,
            long version,
            Lifecycle status,
            String name,
            int priority,
            TriggerSpec trigger,
            Audience audience,
            List<Variant> variants,
            Selection selection,
            double holdoutPercent,
            long cooldownMs,
            int capMax,
            long capWindowMs,
            LimitAction onLimit,
            long activeFrom,
            long activeUntil) {
        this(
                id,
                version,
                status.wireName(),
                name,
                priority,
                trigger,
                audience,
                variants,
                selection.wireName(),
                holdoutPercent,
                cooldownMs,
                capMax,
                capWindowMs,
                onLimit == null ? "" : onLimit.wireName(),
                activeFrom,
                activeUntil,
                0L,
                false,
                "",
                false);
    }

    /** Whether a campaign runs. */
    public enum Lifecycle {
        ACTIVE,
        PAUSED,
        /** Kept in broadcast state as a tombstone, so that an initial definition of the same id does not come back. */
        DELETED;

        /** The form in campaign documents: the lower-case name. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses the wire form in any case; null if unknown. */
        public static Lifecycle parse(String s) {
            for (Lifecycle l : values()) {
                if (l.wireName().equalsIgnoreCase(s)) {
                    return l;
                }
            }
            return null;
        }
    }

    /** How a variant is chosen. */
    public enum Selection {
        /** Deterministic by user and campaign, by weight. */
        HASH,
        /** Thompson sampling on conversions. */
        THOMPSON;

        /** The form in campaign documents: the lower-case name. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses the exact wire form (documents must use lower case); null if unknown. */
        public static Selection parse(String s) {
            for (Selection v : values()) {
                if (v.wireName().equals(s)) {
                    return v;
                }
            }
            return null;
        }
    }

    /** The stored {@code status}, typed. */
    public Lifecycle lifecycle() {
        Lifecycle l = Lifecycle.parse(status);
        if (l == null) {
            throw new IllegalStateException("campaign " + id + " has an unknown status '" + status + "'");
        }
        return l;
    }

    /** The stored {@code selection}, typed: anything but {@code thompson} is {@link Selection#HASH}. */
    public Selection selectionMethod() {
        return Selection.THOMPSON.wireName().equals(selection) ? Selection.THOMPSON : Selection.HASH;
    }

    /** The stored {@code onLimit}, typed, or empty for the job default. */
    public Optional<LimitAction> limitAction() {
        return Optional.ofNullable(LimitAction.parse(onLimit));
    }

    /** Active and within its active period at event time {@code t}. */
    public boolean liveAt(long t) {
        return Lifecycle.ACTIVE.wireName().equals(status) && t >= activeFrom && t < activeUntil;
    }

    /** The costs, {@link CampaignCosts#NONE} when there are none (also for definitions restored from before costs). */
    public CampaignCosts costsOrNone() {
        return costs == null ? CampaignCosts.NONE : costs;
    }

    public boolean thompson() {
        return selectionMethod() == Selection.THOMPSON;
    }
}
