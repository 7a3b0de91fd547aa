package io.mailflow.job;

/**
 * Stable operator ids. State in a savepoint is matched to operators by these strings: never change
 * one that has shipped; add new ones instead (see docs/operations.md).
 */
public final class Uids {
    public static final String EVENTS_SOURCE = "events-source";
    public static final String PROFILES_SOURCE = "profiles-source";
    public static final String PARSE_EVENTS = "parse-events";
    public static final String WATERMARKS = "event-watermarks";
    public static final String DEDUPLICATE = "deduplicate-events";
    public static final String SESSION_WINDOW = "session-window";
    public static final String ABANDONED_CART = "abandoned-cart-trigger";
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
    public static final String SEGMENTS_SINK = "segments-sink";
    public static final String SEGMENT_MODELS_SINK = "segment-models-sink";
    public static final String SCORES_SINK = "scores-sink";
    public static final String PROPENSITY_MODELS_SINK = "propensity-models-sink";
    public static final String MODEL_METRICS_SINK = "model-metrics-sink";
    // ---- Campaigns (ABANDONED_CART above is retired: its state moved to CAMPAIGN_TRIGGERS) ----
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
    public static final String SEGMENT_ACTIVITY = "segment-activity";
    public static final String RECOMMENDATION_TRAINER = "recommendation-trainer";
    public static final String RECOMMENDATION_CONTROL = "recommendation-control";
    public static final String GUARDRAILS = "guardrails";
    public static final String CAMPAIGN_STATUS_SINK = "campaign-status-sink";
    public static final String CAMPAIGN_EVENTS_SINK = "campaign-events-sink";

    private Uids() {}
}
