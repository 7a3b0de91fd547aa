package io.mailflow.job;

import static io.mailflow.config.MailflowOptions.*;

import io.mailflow.campaigns.BanditPrior;
import io.mailflow.campaigns.CampaignSettings;
import io.mailflow.campaigns.CampaignStage;
import io.mailflow.campaigns.TriggerSettings;
import io.mailflow.campaigns.UpliftTraining;
import io.mailflow.campaigns.watch.WatchSettings;
import io.mailflow.catalog.CatalogSettings;
import io.mailflow.config.MailflowConfig;
import io.mailflow.delivery.DeliverySettings;
import io.mailflow.delivery.RateLimits;
import io.mailflow.delivery.RetryPolicy;
import io.mailflow.delivery.SmtpSettings;
import io.mailflow.email.EmailComposer;
import io.mailflow.email.EspHeaders;
import io.mailflow.features.FeatureSettings;
import io.mailflow.features.FeatureVector;
import io.mailflow.feedback.DpSettings;
import io.mailflow.feedback.FeedbackSettings;
import io.mailflow.guardrails.GuardrailSettings;
import io.mailflow.guardrails.WallClock;
import io.mailflow.ingestion.IngestionSettings;
import io.mailflow.io.EventTimeEnd;
import io.mailflow.io.KafkaSecurity;
import io.mailflow.io.KafkaUserKeyTopic;
import io.mailflow.model.ControlGroup;
import io.mailflow.models.ModelSettings;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.PseudonymSettings;
import io.mailflow.profiles.ContactSettings;
import io.mailflow.recommendations.RecommendationSettings;
import io.mailflow.recommendations.Recommender;
import io.mailflow.scoring.BinnedFtrlSettings;
import io.mailflow.scoring.ModelInputs;
import io.mailflow.scoring.ScoringSettings;
import io.mailflow.segmentation.SegmentationSettings;
import io.mailflow.sessions.SessionSettings;
import java.util.Map;

/**
 * The configuration, parsed once into the typed settings of every stage. Stages see only their own
 * record; nothing below {@code job} reads {@link MailflowConfig}.
 */
public record PipelineSettings(
        int maxParallelism,
        IngestionSettings ingestion,
        SessionSettings sessions,
        ContactSettings contacts,
        ModelSettings models,
        RecommendationSettings recommendations,
        CampaignSettings campaigns,
        GuardrailSettings guardrails,
        EmailComposer.Settings email,
        DeliverySettings delivery,
        FeedbackSettings feedback,
        CatalogSettings catalog,
        EncryptionSettings encryption) {

    public static PipelineSettings from(MailflowConfig c) {
        return new PipelineSettings(
                c.get(MAX_PARALLELISM),
                new IngestionSettings(
                        c.get(MAX_FUTURE_SKEW),
                        aheadOfStream(c),
                        c.get(MAX_OUT_OF_ORDERNESS),
                        c.get(IDLENESS),
                        c.get(DEDUP_TTL),
                        c.get(DEDUP_MAX_IDS),
                        eventTimeEnd(c),
                        pseudonyms(c)),
                new SessionSettings(c.get(SESSION_GAP), c.get(SESSION_MAX_ITEMS)),
                new ContactSettings(
                        c.get(BOUNDED), c.get(PROFILE_GRACE), c.get(MAX_FUTURE_SKEW), pseudonyms(c), encryption(c)),
                models(c),
                new RecommendationSettings(
                        c.get(RECO_HALF_LIFE),
                        c.get(RECO_MAX_CANDIDATES),
                        c.get(RECO_NEIGHBOURS),
                        c.get(SESSION_MAX_ITEMS),
                        c.get(RECO_PUBLISH_INTERVAL),
                        c.get(RECO_MAX_ITEMS),
                        c.get(RECO_KNN_SESSIONS_PER_ITEM),
                        c.get(RECO_KNN_MAX_SESSIONS),
                        c.get(RECO_KNN_MAX_AGE)),
                campaigns(c),
                new GuardrailSettings(
                        c.get(GUARDRAILS_MAX_PER_USER),
                        c.get(GUARDRAILS_CAP_WINDOW),
                        c.get(GUARDRAILS_QUIET_START),
                        c.get(GUARDRAILS_QUIET_END),
                        c.get(GUARDRAILS_ON_LIMIT),
                        c.get(GUARDRAILS_MAX_DEFER),
                        // a backfill (bounded) and a dry run decide on old triggers by design
                        !c.get(BOUNDED) && !c.get(DRY_RUN),
                        WallClock.SYSTEM,
                        c.get(DRY_RUN),
                        // paced at the relay's limit in a live job; a bounded job ends without processing time
                        c.get(BOUNDED) ? 0 : c.get(RELAY_RATE_LIMIT)),
                email(c),
                new DeliverySettings(
                        c.get(DELIVERY_THREADS),
                        c.get(DELIVERY_CAPACITY),
                        c.get(DELIVERY_TIMEOUT),
                        new RetryPolicy(
                                c.get(MAX_ATTEMPTS),
                                c.get(RETRY_BASE).toMillis(),
                                c.get(RETRY_MAX).toMillis()),
                        new RateLimits.Config(c.get(RELAY_RATE_LIMIT), c.get(DOMAIN_RATE_LIMIT)),
                        c.get(DELIVERY_AMBIGUOUS_POLICY)),
                new FeedbackSettings(
                        c.get(MAX_FUTURE_SKEW),
                        aheadOfStream(c),
                        c.get(MAX_OUT_OF_ORDERNESS),
                        c.get(IDLENESS),
                        c.get(ATTRIBUTION_WINDOW),
                        c.get(FEATURES_DECAY_HALF_LIFE),
                        c.get(FEATURES_TTL),
                        c.get(STATS_WINDOW),
                        c.get(STATS_ALLOWED_LATENESS),
                        dp(c),
                        eventTimeEnd(c),
                        c.get(ENGAGEMENT_DEDUP_TTL),
                        c.get(ENGAGEMENT_DEDUP_MAX_IDS)),
                new CatalogSettings(c.get(BOUNDED), c.get(MAX_FUTURE_SKEW), c.get(RECO_PER_EMAIL)),
                encryption(c));
    }

    /**
     * Whether personal data is encrypted under per-user keys, kept in the key topic; the master key only when set
     * programmatically (tests, the demo), else the task managers read it from their environment.
     */
    public static EncryptionSettings encryption(MailflowConfig c) {
        if (!c.get(ENCRYPTION_ENABLED)) {
            return EncryptionSettings.DISABLED;
        }
        String bootstrap = c.get(KAFKA_BOOTSTRAP);
        String topic = c.get(TOPIC_USER_KEYS);
        java.util.Map<String, String> security = kafkaSecurity(c).clientProperties();
        return new EncryptionSettings(
                true,
                c.get(ENCRYPTION_MASTER_KEY_ID),
                c.masterKey(),
                () -> new KafkaUserKeyTopic(bootstrap, topic, security));
    }

    /**
     * Whether the inputs' user ids become pseudonyms; the key only when set programmatically (tests, the demo),
     * else the task managers read it from their environment.
     */
    public static PseudonymSettings pseudonyms(MailflowConfig c) {
        return new PseudonymSettings(c.get(PSEUDONYMS_ENABLED), c.get(PSEUDONYM_KEY_ID), c.pseudonymKey());
    }

    /** The differentially private export of the campaign statistics. */
    public static DpSettings dp(MailflowConfig c) {
        return new DpSettings(
                c.get(DP_ENABLED),
                c.get(DP_MECHANISM),
                c.get(DP_EPSILON_PER_RELEASE),
                c.get(DP_BUDGET_EPSILON),
                c.get(DP_DELTA),
                c.get(DP_MAX_EMAILS_PER_USER),
                c.get(DP_MAX_REVENUE_PER_USER));
    }

    /**
     * Where event time stops at the end of the input: only a bounded job has an end, and there it stops at the
     * newest event (plus the lateness) unless {@code job.end-of-input} asks for Flink's end of time.
     */
    static EventTimeEnd eventTimeEnd(MailflowConfig c) {
        return c.get(BOUNDED) && c.get(END_OF_INPUT) == EndOfInput.LAST_EVENT
                ? EventTimeEnd.lastEvent(c.get(END_OF_INPUT_LATENESS))
                : EventTimeEnd.endOfTime();
    }

    /** These settings with other guardrail settings (tests inject a wall clock this way). */
    public PipelineSettings withGuardrails(GuardrailSettings g) {
        return new PipelineSettings(
                maxParallelism,
                ingestion,
                sessions,
                contacts,
                models,
                recommendations,
                campaigns,
                g,
                email,
                delivery,
                feedback,
                catalog,
                encryption);
    }

    /** The bound on running ahead of the stream, never looser than the wall-clock skew. */
    static java.time.Duration aheadOfStream(MailflowConfig c) {
        java.time.Duration ahead = c.get(MAX_AHEAD_OF_STREAM);
        return ahead.compareTo(c.get(MAX_FUTURE_SKEW)) < 0 ? ahead : c.get(MAX_FUTURE_SKEW);
    }

    /** The model stages' settings (also for the tools that replay history through the models). */
    public static ModelSettings models(MailflowConfig c) {
        return new ModelSettings(
                new FeatureSettings(
                        c.get(FEATURES_DECAY_HALF_LIFE),
                        c.get(FEATURES_TTL),
                        FeatureSettings.MAX_CATEGORIES,
                        c.get(FEATURES_IDLE_SNAPSHOT_AFTER),
                        c.get(FEATURES_IDLE_SNAPSHOT_MAX)),
                new SegmentationSettings(
                        c.get(KMEANS_K),
                        c.get(KMEANS_DECAY_HALF_LIFE),
                        c.get(KMEANS_BATCH_SIZE),
                        c.get(KMEANS_BATCH_MAX_WAIT),
                        SegmentationSettings.SEED,
                        c.get(KMEANS_MODE) == KMeansMode.REFIT,
                        c.get(KMEANS_SAMPLE_SIZE),
                        c.get(KMEANS_SAMPLE_MAX_AGE),
                        c.get(KMEANS_RESTARTS),
                        // a snapshot is stamped with its session's last event and emitted one gap later
                        c.get(SESSION_GAP),
                        c.get(KMEANS_RESTART_SAMPLE_SIZE)),
                new ScoringSettings(
                        c.get(FTRL_ALPHA),
                        c.get(FTRL_BETA),
                        c.get(FTRL_L1),
                        c.get(FTRL_L2),
                        c.get(FTRL_PUBLISH_EVERY),
                        c.get(VALIDATION_WINDOW),
                        c.get(LABEL_HORIZON),
                        c.get(LABEL_RELEASE) == LabelRelease.HORIZON,
                        binnedLearner(c)));
    }

    /** The served binned learner's settings, or null when the job serves the linear model. */
    static BinnedFtrlSettings binnedLearner(MailflowConfig c) {
        if (c.get(FTRL_LEARNER) == PropensityLearner.LINEAR) {
            return null;
        }
        int window = c.get(FTRL_CALIBRATION_WINDOW);
        if (window != 0 && window < 50) {
            throw new IllegalArgumentException("ftrl.calibration-window must be 0 or at least 50, got " + window);
        }
        boolean extras = c.get(FTRL_EXTRAS);
        return new BinnedFtrlSettings(
                extras ? ModelInputs.NUMERIC : FeatureVector.SIZE,
                extras ? ModelInputs.CATEGORICAL : 0,
                c.get(FTRL_BINS),
                256,
                1024,
                c.get(FTRL_HASH_BITS),
                true,
                c.get(FTRL_BINNED_ALPHA),
                1.0,
                0.0,
                c.get(FTRL_BINNED_L2),
                window);
    }

    /** The campaign stage's settings; reads and validates {@code campaigns.file}. */
    public static CampaignSettings campaigns(MailflowConfig c) {
        TriggerSettings triggers = new TriggerSettings(
                c.get(ABANDONED_CART_DELAY).toMillis(),
                c.get(SESSION_GAP).toMillis(),
                c.get(CAMPAIGNS_USER_STATE_TTL).toMillis(),
                c.get(CAMPAIGNS_ATTRIBUTION_WINDOW).toMillis(),
                // a catalog drops unsellable candidates, so rank more and let it keep the best that are left
                c.get(TOPIC_CATALOG).isEmpty()
                        ? c.get(RECO_PER_EMAIL)
                        : c.get(RECO_PER_EMAIL) * CatalogSettings.CANDIDATE_FACTOR,
                new Recommender(0.3, 0.1, c.get(RECO_RECENCY_WEIGHT), c.get(RECO_KNN_WEIGHT)),
                new ControlGroup(c.get(CAMPAIGNS_CONTROL_GROUP_PERCENT), c.get(CAMPAIGNS_CONTROL_GROUP_SALT)),
                c.get(DRY_RUN));
        triggers = triggers.withBanditPrior(
                new BanditPrior(c.get(CAMPAIGNS_BANDIT_PRIOR), c.get(CAMPAIGNS_BANDIT_PRIOR_STRENGTH)));
        if (!c.get(TOPIC_VARIANT_STATS).isEmpty()) {
            triggers = triggers.withVariantReport(
                    c.get(CAMPAIGNS_VARIANT_REPORT_INTERVAL).toMillis());
        }
        return new CampaignSettings(
                c.get(TEMPLATE_DIR),
                triggers,
                CampaignStage.load(c.get(CAMPAIGNS_FILE), c.get(TEMPLATE_DIR)),
                new WatchSettings(
                        c.get(CATALOG_TRIGGERS_MAX_WATCHERS),
                        c.get(CATALOG_TRIGGERS_WATCH_TTL).toMillis()),
                // both arms learn with the propensity model's FTRL parameters
                new UpliftTraining(
                        c.get(FTRL_ALPHA),
                        c.get(FTRL_BETA),
                        c.get(FTRL_L1),
                        c.get(FTRL_L2),
                        c.get(UPLIFT_PUBLISH_EVERY)));
    }

    /** The e-mail composer's settings; the link secret is read on the task managers when empty here. */
    public static EmailComposer.Settings email(MailflowConfig c) {
        return new EmailComposer.Settings(
                c.get(TEMPLATE_DIR),
                c.get(FROM_ADDRESS),
                c.get(TRACKING_BASE_URL),
                c.get(UNSUBSCRIBE_MAILTO),
                c.get(OPEN_PIXEL),
                c.get(LINK_TTL),
                c.linkSecret(),
                Map.of("shopUrl", c.get(SHOP_URL), "shopName", c.get(FROM_NAME)),
                c.get(LINK_KEY_ID),
                ""); // the previous key is read from the environment on the task managers
    }

    /** The mail provider headers that carry Mailflow's ids to the provider's event webhook. */
    public static EspHeaders espHeaders(MailflowConfig c) {
        return new EspHeaders(c.get(ESP_HEADERS), c.get(SES_CONFIGURATION_SET));
    }

    /** Where and how to reach the SMTP relay; the password is read on the task managers when empty here. */
    public static SmtpSettings smtp(MailflowConfig c) {
        return new SmtpSettings(
                c.get(SMTP_HOST),
                c.get(SMTP_PORT),
                c.get(SMTP_SECURITY),
                c.get(SMTP_USERNAME),
                c.smtpPassword(),
                c.get(SMTP_TIMEOUT).toMillis(),
                c.get(FROM_ADDRESS),
                c.get(FROM_NAME),
                c.get(SMTP_ALLOW_AUTH_WITHOUT_TLS));
    }

    /** How every Kafka client connects (TLS, SASL, stores); the secrets stay in the environment. */
    public static KafkaSecurity kafkaSecurity(MailflowConfig c) {
        return new KafkaSecurity(
                c.get(KAFKA_SECURITY_PROTOCOL),
                c.get(KAFKA_SASL_MECHANISM),
                c.get(KAFKA_TRUSTSTORE_LOCATION),
                c.get(KAFKA_TRUSTSTORE_TYPE),
                c.get(KAFKA_KEYSTORE_LOCATION),
                c.get(KAFKA_KEYSTORE_TYPE));
    }
}
