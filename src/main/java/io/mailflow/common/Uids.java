package io.mailflow.common;

/**
 * Stable operator ids, the one registry of the job. State in a savepoint is matched to operators by
 * these strings: never change one that has shipped; add new ones instead (see docs/operations.md).
 */
public final class Uids {
    public static final String EVENTS_SOURCE = "events-source";
    public static final String PROFILES_SOURCE = "profiles-source";
    public static final String PARSE_EVENTS = "parse-events";

    public static final String EVENTS_END_OF_INPUT = "event-end-of-input";
    public static final String DEDUPLICATE = "deduplicate-events";
    public static final String SESSION_WINDOW = "session-window";
    public static final String PARSE_PROFILES = "parse-profiles";
    public static final String PROFILE_JOIN = "profile-join";
    public static final String RENDER = "render-email";
    public static final String SEND = "send-email";
    public static final String SEND_OUTCOMES = "send-outcomes";
    public static final String SESSIONS_SINK = "sessions-sink";
    public static final String SEND_RESULTS_SINK = "send-results-sink";
    public static final String DEAD_LETTERS_SINK = "dead-letters-sink";
    public static final String LATE_EVENTS_SINK = "late-events-sink";
    public static final String PURCHASES = "purchases-filter";
    public static final String SUPPRESSIONS_SOURCE = "suppressions-source";
    public static final String PARSE_SUPPRESSIONS = "parse-suppressions";
    public static final String SUPPRESSIONS_SINK = "suppressions-sink";
    public static final String AUDIT_SINK = "delivery-audit-sink";
    public static final String SEGMENTS_SINK = "segments-sink";
    public static final String SEGMENT_MODELS_SINK = "segment-models-sink";
    public static final String SCORES_SINK = "scores-sink";
    public static final String PROPENSITY_MODELS_SINK = "propensity-models-sink";
    public static final String MODEL_METRICS_SINK = "model-metrics-sink";
    // ---- Models: features, segments, propensity ----
    public static final String FEATURES = "user-features";
    public static final String FEATURE_ERASURES = "feature-erasure-signals";
    public static final String KMEANS_TRAINER = "kmeans-trainer";
    public static final String KMEANS_ASSIGNER = "kmeans-assigner";
    public static final String PURCHASE_LABELLER = "purchase-labeller";
    public static final String FTRL_TRAINER = "ftrl-trainer";
    public static final String PROPENSITY_SCORER = "propensity-scorer";
    public static final String SERVED_SCORE_JOIN = "served-score-join";
    public static final String SERVED_VALIDATOR = "served-validator";
    // ---- Campaigns ----
    public static final String CAMPAIGNS_SOURCE = "campaigns-source";
    public static final String PARSE_CAMPAIGNS = "parse-campaigns";
    public static final String CAMPAIGN_CONTROL = "campaign-control";
    public static final String SIGNAL_SESSIONS = "trigger-signal-sessions";
    public static final String SIGNAL_EVENTS = "trigger-signal-events";
    public static final String SIGNAL_EVENTS_FILTER = "trigger-signal-events-filter";
    public static final String SIGNAL_SEGMENTS = "trigger-signal-segments";
    public static final String SIGNAL_SCORES = "trigger-signal-scores";
    public static final String SIGNAL_FEATURES = "trigger-signal-features";
    public static final String CAMPAIGN_TRIGGERS = "campaign-triggers";
    public static final String SIGNAL_ERASURES = "trigger-signal-erasures";
    // scheduled sends: the profiles' zones into the triggers, and a clock of event-time ticks on their broadcast
    public static final String SIGNAL_ZONES_FILTER = "trigger-signal-zones-filter";
    public static final String SIGNAL_ZONES = "trigger-signal-zones";
    public static final String SCHEDULE_CLOCK_INPUT = "schedule-clock-watermarks";
    public static final String SCHEDULE_CLOCK = "schedule-clock";
    // the global bandit: the triggers' variant deltas summed per campaign, written to and read back from a topic
    public static final String VARIANT_TOTALS = "variant-totals";
    public static final String VARIANT_TOTALS_SINK = "variant-totals-sink";
    public static final String VARIANT_TOTALS_SOURCE = "variant-totals-source";
    public static final String PARSE_VARIANT_TOTALS = "parse-variant-totals";
    public static final String VARIANT_TOTALS_CONTROL = "variant-totals-control";
    // uplift targeting: the triggers' decision outcomes learned per campaign, models written to and read back from
    // a topic (a DataStream graph has no cycles)
    public static final String UPLIFT_TRAINER = "uplift-trainer";
    public static final String UPLIFT_MODELS_SINK = "uplift-models-sink";
    public static final String UPLIFT_MODELS_SOURCE = "uplift-models-source";
    public static final String PARSE_UPLIFT_MODELS = "parse-uplift-models";
    public static final String UPLIFT_MODELS_CONTROL = "uplift-models-control";
    // catalog-driven triggers (back in stock, price drop): keyed by item
    public static final String WATCH_EVENTS_FILTER = "watch-views-and-carts";
    public static final String WATCH_EVENTS = "watch-event-signals";
    public static final String WATCH_CATALOG = "watch-catalog-signals";
    public static final String WATCH_CAMPAIGN_CONTROL = "watch-campaign-control";
    public static final String WATCH_ERASURES = "watch-erasures";
    public static final String ITEM_WATCHERS = "item-watchers";
    /** Keyed by user: the items each user may watch, so that an erasure reaches only those items. */
    public static final String ITEM_WATCH_INDEX = "item-watch-index";
    /** Erasures that still need the walk over every item (a savepoint without the index, an overflowed index). */
    public static final String WATCH_FULL_ERASURES = "watch-full-erasures";

    public static final String ERASURES = "contact-erasures";
    public static final String ERASED_IDS = "contact-erasures-ids";
    public static final String SUPPRESSION_UPDATES = "contact-suppressions";
    public static final String SEGMENT_ACTIVITY = "segment-activity";
    public static final String RECOMMENDATION_TRAINER = "recommendation-trainer";
    public static final String RECOMMENDATION_CONTROL = "recommendation-control";
    public static final String GUARDRAILS = "guardrails";
    public static final String CAMPAIGN_STATUS_SINK = "campaign-status-sink";
    public static final String CAMPAIGN_EVENTS_SINK = "campaign-events-sink";
    public static final String CAMPAIGN_COSTS = "campaign-costs";
    public static final String DRY_RUN_GUARDRAIL_DECISIONS = "dry-run-guardrail-decisions";
    public static final String DRY_RUN_DECISIONS = "dry-run-decisions";
    public static final String DECISIONS_SINK = "decisions-sink";

    public static final String ENGAGEMENT_SOURCE = "engagement-source";
    public static final String PARSE_ENGAGEMENT = "parse-engagement";

    public static final String ENGAGEMENT_END_OF_INPUT = "engagement-end-of-input";
    public static final String SENDS_TO_FUNNEL = "sends-to-funnel";
    public static final String DECISIONS_TO_FUNNEL = "decisions-to-funnel";
    public static final String PROGRAMME_FUNNEL = "programme-funnel";
    public static final String CAMPAIGN_ROI = "campaign-roi";
    public static final String ENGAGEMENT_TO_FUNNEL = "engagement-to-funnel";
    public static final String PURCHASES_TO_FUNNEL = "purchases-to-funnel";
    public static final String ATTRIBUTION = "attribution";
    public static final String ENGAGEMENT_FEATURES = "engagement-features";
    public static final String ENGAGEMENT_FEATURE_SIGNALS = "engagement-feature-signals";
    public static final String ENGAGEMENT_FEATURE_SIGNALS_UNTIMED = "engagement-feature-signals-untimed";
    public static final String DEDUPLICATE_ENGAGEMENT = "deduplicate-engagement";
    public static final String CAMPAIGN_STATS_WINDOW = "campaign-stats-window";
    public static final String LATE_FUNNEL_EVENTS = "late-funnel-events";
    public static final String CAMPAIGN_STATS_SINK = "campaign-stats-sink";
    public static final String ENGAGEMENT_FEATURES_SINK = "engagement-features-sink";

    // Differentially private campaign statistics (only in the graph when privacy.dp.enabled).
    public static final String DP_FUNNEL_FILTER = "dp-funnel-filter";
    public static final String DP_USER_CONTRIBUTIONS = "dp-user-contributions";
    public static final String DP_CAMPAIGN_SUMS = "dp-campaign-sums";
    public static final String DP_PUBLISH = "dp-publish";
    public static final String CAMPAIGN_STATS_DP_SINK = "campaign-stats-dp-sink";

    // Product catalog (only in the graph when topic.catalog is set).
    public static final String CATALOG_SOURCE = "catalog-source";
    public static final String PARSE_CATALOG = "parse-catalog";
    public static final String CATALOG_SPLIT = "catalog-split";
    public static final String CATALOG_LOOKUP = "catalog-lookup";
    public static final String CATALOG_ASSEMBLE = "catalog-assemble";

    private Uids() {}

    /**
     * Ids of operators that no longer exist. Never give one to another operator: a savepoint of an earlier
     * version may still name it (stateless ones, with empty state, which a restore skips).
     */
    public static final class Retired {
        /** The watermark operator after event parsing; watermarks are generated per partition in the source now. */
        public static final String EVENT_WATERMARKS = "event-watermarks";
        /** The watermark operator after engagement parsing; as {@link #EVENT_WATERMARKS}. */
        public static final String ENGAGEMENT_WATERMARKS = "engagement-watermarks";

        private Retired() {}
    }
}
