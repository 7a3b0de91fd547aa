package io.mailflow.config;

import static io.mailflow.config.Option.bool;
import static io.mailflow.config.Option.decimal;
import static io.mailflow.config.Option.duration;
import static io.mailflow.config.Option.integer;
import static io.mailflow.config.Option.nonEmpty;
import static io.mailflow.config.Option.string;

import io.mailflow.campaigns.BanditPrior;
import io.mailflow.delivery.AmbiguousSendPolicy;
import io.mailflow.delivery.SmtpSecurity;
import io.mailflow.delivery.SmtpSettings;
import io.mailflow.email.EmailComposer;
import io.mailflow.email.EspHeaders;
import io.mailflow.features.IdleSchedule;
import io.mailflow.feedback.FeedbackSettings;
import io.mailflow.io.KafkaSecurity;
import io.mailflow.model.LimitAction;
import io.mailflow.privacy.NoiseMechanism;
import io.mailflow.privacy.Pseudonymizer;
import io.mailflow.recommendations.Recommender;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every job option Mailflow reads, with its default and description. This class is the source of
 * the configuration reference in the README ({@code ConfigReferenceTest} keeps them in sync).
 *
 * <p>Secrets are not options: the SMTP password is read from the environment variable {@value
 * #SMTP_PASSWORD_ENV} only.
 */
public final class MailflowOptions {
    public static final String SMTP_PASSWORD_ENV = SmtpSettings.PASSWORD_ENV;
    /** Secret that signs unsubscribe tokens and tracked links (at least 16 characters). */
    public static final String LINK_SECRET_ENV = EmailComposer.LINK_SECRET_ENV;
    /** The key of the user-id pseudonyms; read by the task managers (and the client, to fail early). */
    public static final String PSEUDONYM_KEY_ENV = Pseudonymizer.KEY_ENV;
    /** The master key that wraps the per-user data keys; read by the task managers (and the client, to fail early). */
    public static final String MASTER_KEY_ENV = io.mailflow.privacy.LocalKeyManagementService.MASTER_KEY_ENV;

    // ---- Kafka ----
    public static final Option<String> KAFKA_BOOTSTRAP =
            nonEmpty("kafka.bootstrap-servers", "localhost:9092", "Kafka bootstrap servers.");
    public static final Option<String> KAFKA_GROUP_ID =
            nonEmpty("kafka.group-id", "mailflow", "Consumer group id of the job's Kafka sources.");
    public static final Option<String> KAFKA_START_FROM = Option.matching(
            "kafka.start-from",
            "committed",
            "committed|earliest|latest|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?Z",
            "committed, earliest, latest or an instant such as 2026-11-01T00:00:00Z",
            "Where the job's Kafka sources start when there is no state to restore (restored offsets always win):"
                    + " committed (the group's committed offsets, the earliest without), earliest, latest, or the first"
                    + " record at or after an instant (a backfill, see BackfillCli).");
    public static final Option<KafkaSecurity.Protocol> KAFKA_SECURITY_PROTOCOL = Option.choice(
            "kafka.security.protocol",
            KafkaSecurity.Protocol.PLAINTEXT,
            KafkaSecurity.Protocol.class,
            "Security protocol of every Kafka client (job, send ledger, CLIs, report). With sasl_*, the JAAS line comes from "
                    + KafkaSecurity.SASL_JAAS_CONFIG_ENV + " only.");
    public static final Option<KafkaSecurity.SaslMechanism> KAFKA_SASL_MECHANISM = Option.choice(
            "kafka.sasl.mechanism",
            KafkaSecurity.SaslMechanism.SCRAM_SHA_512,
            KafkaSecurity.SaslMechanism.class,
            "SASL mechanism when kafka.security.protocol is sasl_plaintext or sasl_ssl.");
    public static final Option<String> KAFKA_TRUSTSTORE_LOCATION = string(
            "kafka.ssl.truststore-location",
            "",
            "Trust store of the Kafka clients (ssl or sasl_ssl; empty: the JVM's default trust). Its password comes from "
                    + KafkaSecurity.TRUSTSTORE_PASSWORD_ENV + " (not for pem).");
    public static final Option<KafkaSecurity.StoreType> KAFKA_TRUSTSTORE_TYPE = Option.choice(
            "kafka.ssl.truststore-type",
            KafkaSecurity.StoreType.PKCS12,
            KafkaSecurity.StoreType.class,
            "Format of kafka.ssl.truststore-location.");
    public static final Option<String> KAFKA_KEYSTORE_LOCATION = string(
            "kafka.ssl.keystore-location",
            "",
            "Key store of the Kafka clients for mutual TLS (empty: none). Its password comes from "
                    + KafkaSecurity.KEYSTORE_PASSWORD_ENV + ".");
    public static final Option<KafkaSecurity.StoreType> KAFKA_KEYSTORE_TYPE = Option.choice(
            "kafka.ssl.keystore-type",
            KafkaSecurity.StoreType.PKCS12,
            KafkaSecurity.StoreType.class,
            "Format of kafka.ssl.keystore-location.");
    public static final Option<String> TOPIC_EVENTS =
            nonEmpty("topic.events", "mailflow.events", "Input topic of behaviour events (JSON).");
    public static final Option<String> TOPIC_PROFILES = nonEmpty(
            "topic.profiles", "mailflow.profiles", "Input topic of user profiles (JSON, compacted, keyed by userId).");
    public static final Option<String> TOPIC_SESSIONS =
            nonEmpty("topic.sessions", "mailflow.sessions", "Output topic of session summaries.");
    public static final Option<String> TOPIC_SEND_RESULTS =
            nonEmpty("topic.send-results", "mailflow.send-results", "Output topic of delivery outcomes.");
    public static final Option<String> TOPIC_DEAD_LETTERS = nonEmpty(
            "topic.dead-letters", "mailflow.dead-letters", "Output topic of everything rejected, with the reason.");
    public static final Option<String> TOPIC_LATE_EVENTS = nonEmpty(
            "topic.late-events",
            "mailflow.late-events",
            "Output topic of events that arrived after their session closed.");

    public static final Option<String> TOPIC_SUPPRESSIONS = nonEmpty(
            "topic.suppressions",
            "mailflow.suppressions",
            "Suppression events (bounces, complaints, unsubscribes, erasures), read and written by the job (compacted).");
    public static final Option<String> TOPIC_SEND_LEDGER = nonEmpty(
            "topic.send-ledger",
            "mailflow.send-ledger",
            "Compacted ledger of accepted request ids that prevents re-sending after a restart.");
    public static final Option<String> TOPIC_DELIVERY_AUDIT = nonEmpty(
            "topic.delivery-audit",
            "mailflow.delivery-audit",
            "One record per delivery attempt (request id, message id, outcome, SMTP reply, latency).");
    public static final Option<String> TOPIC_SEGMENTS = nonEmpty(
            "topic.segments",
            "mailflow.segments",
            "Output topic of segment assignments (stamped with the k-means model version).");
    public static final Option<String> TOPIC_SEGMENT_MODELS = nonEmpty(
            "topic.segment-models",
            "mailflow.segment-models",
            "Output topic of every streaming k-means model version.");
    public static final Option<String> TOPIC_SCORES = nonEmpty(
            "topic.scores",
            "mailflow.scores",
            "Output topic of purchase-propensity scores (stamped with the model version).");
    public static final Option<String> TOPIC_PROPENSITY_MODELS = nonEmpty(
            "topic.propensity-models",
            "mailflow.propensity-models",
            "Output topic of every propensity model version (Flink ML logistic-regression model data).");
    public static final Option<String> TOPIC_MODEL_METRICS = nonEmpty(
            "topic.model-metrics",
            "mailflow.model-metrics",
            "Output topic of the served propensity scores' AUC, log loss and calibration error.");

    // ---- Ingestion ----
    public static final Option<Duration> MAX_OUT_OF_ORDERNESS = duration(
            "ingest.max-out-of-orderness",
            Duration.ofSeconds(5),
            Duration.ZERO,
            Duration.ofHours(1),
            "How far events may arrive out of timestamp order within their partition before they count as late (watermark lag; watermarks are per Kafka partition).");
    public static final Option<Duration> IDLENESS = duration(
            "ingest.idleness",
            Duration.ofSeconds(30),
            Duration.ZERO,
            Duration.ofHours(1),
            "A source partition without events for this long stops holding back the watermark (0 disables).");
    public static final Option<Duration> MAX_FUTURE_SKEW = duration(
            "ingest.max-future-skew",
            Duration.ofHours(1),
            Duration.ZERO,
            Duration.ofDays(7),
            "Events stamped further than this ahead of the wall clock are rejected.");
    public static final Option<Duration> MAX_AHEAD_OF_STREAM = duration(
            "ingest.max-ahead-of-stream",
            Duration.ofMinutes(5),
            Duration.ZERO,
            Duration.ofDays(7),
            "Events and engagement stamped further than this ahead of the later of the wall clock and the newest event"
                    + " time already accepted are dead-lettered, so one event cannot push event time ahead (never looser"
                    + " than ingest.max-future-skew).");
    public static final Option<Duration> DEDUP_TTL = duration(
            "ingest.dedup-ttl",
            Duration.ofHours(24),
            Duration.ofMinutes(1),
            Duration.ofDays(30),
            "How long an eventId is remembered to drop duplicates.");
    public static final Option<Integer> DEDUP_MAX_IDS = integer(
            "ingest.dedup-max-ids",
            10_000,
            10,
            1_000_000,
            "Most eventIds remembered per user within ingest.dedup-ttl; beyond it the oldest are forgotten first"
                    + " (a flood of distinct ids from one user cannot grow the state).");

    // ---- Sessions ----
    public static final Option<Duration> SESSION_GAP = duration(
            "session.gap",
            Duration.ofMinutes(30),
            Duration.ofSeconds(1),
            Duration.ofDays(1),
            "Inactivity gap that closes a user's session (event time).");
    public static final Option<Integer> SESSION_MAX_ITEMS = integer(
            "session.max-items",
            20,
            1,
            1000,
            "Most items kept per list (viewed, carted, purchased, searches) in a session summary.");

    // ---- Abandoned cart ----
    public static final Option<Duration> ABANDONED_CART_DELAY = duration(
            "abandoned-cart.delay",
            Duration.ofHours(1),
            Duration.ZERO,
            Duration.ofDays(30),
            "Wait this long after a session with an abandoned cart closes; a purchase meanwhile cancels the e-mail.");

    // ---- Profiles ----
    public static final Option<Duration> PROFILE_GRACE = duration(
            "profiles.grace",
            Duration.ofSeconds(10),
            Duration.ZERO,
            Duration.ofHours(24),
            "Event time a request waits for profile and suppression updates that may still be in flight before it is decided.");

    // ---- E-mail ----
    public static final Option<String> TEMPLATE_DIR = string(
            "email.template-dir",
            "",
            "Directory with Velocity templates overriding the built-in ones (empty: built-in only).");
    public static final Option<String> FROM_ADDRESS =
            nonEmpty("email.from-address", "shop@mailflow.local", "Sender address of every e-mail.");
    public static final Option<String> FROM_NAME = nonEmpty("email.from-name", "Mailflow Shop", "Sender display name.");
    public static final Option<String> SHOP_URL =
            nonEmpty("email.shop-url", "https://shop.example.com", "Base URL of the shop, used for links in e-mails.");

    public static final Option<String> TRACKING_BASE_URL = nonEmpty(
            "email.tracking-base-url",
            "https://shop.example.com/mf",
            "Base URL of the click-redirect, open-pixel and one-click unsubscribe endpoints (/r, /o, /unsubscribe).");
    public static final Option<String> UNSUBSCRIBE_MAILTO = string(
            "email.unsubscribe-mailto",
            "",
            "Mailbox for mailto: unsubscribes (empty: unsubscribe@ the sender's domain).");
    public static final Option<Boolean> OPEN_PIXEL =
            bool("email.open-pixel", false, "Add a 1x1 open-tracking image to HTML e-mails.");
    public static final Option<String> LINK_KEY_ID = Option.matching(
            "email.link-key-id",
            EmailComposer.DEFAULT_LINK_KEY_ID,
            "[A-Za-z0-9_-]{1,16}",
            "1-16 of A-Z a-z 0-9 - _",
            "Public id of the current link secret (" + LINK_SECRET_ENV + "), written in every link token; give each new"
                    + " secret a new id. The previous secret stays valid for a while through MAILFLOW_LINK_SECRET_PREVIOUS"
                    + " (keyId,acceptUntil,secret).");
    public static final Option<EspHeaders.Mode> ESP_HEADERS = Option.choice(
            "email.esp-headers",
            EspHeaders.Mode.NONE,
            EspHeaders.Mode.class,
            "Mail provider headers carrying Mailflow's ids (user, campaign, request, message, variant; never the address)"
                    + " to the provider's event webhook: none, sendgrid (X-SMTPAPI unique_args), ses"
                    + " (X-SES-MESSAGE-TAGS) or both.");
    public static final Option<String> SES_CONFIGURATION_SET = Option.matching(
            "email.ses-configuration-set",
            "",
            "[A-Za-z0-9_-]{0,64}",
            "0-64 of A-Z a-z 0-9 - _",
            "SES configuration set named in X-SES-CONFIGURATION-SET when email.esp-headers includes ses (empty: none;"
                    + " SES publishes message tags to the set's event destination).");
    public static final Option<Duration> LINK_TTL = duration(
            "email.link-ttl",
            Duration.ofDays(60),
            Duration.ofHours(1),
            Duration.ofDays(3650),
            "How long unsubscribe and tracked links in an e-mail stay valid.");

    // ---- SMTP and delivery ----
    public static final Option<String> SMTP_HOST = nonEmpty("smtp.host", "localhost", "SMTP relay host.");
    public static final Option<Integer> SMTP_PORT = integer("smtp.port", 25, 1, 65535, "SMTP relay port.");
    public static final Option<String> SMTP_USERNAME = string(
            "smtp.username",
            "",
            "SMTP user name (empty: no authentication). The password comes from " + SMTP_PASSWORD_ENV + ".");
    public static final Option<SmtpSecurity> SMTP_SECURITY = Option.choice(
            "smtp.security", SmtpSecurity.NONE, SmtpSecurity.class, "Transport security: none, starttls or smtps.");
    public static final Option<Boolean> SMTP_ALLOW_AUTH_WITHOUT_TLS = bool(
            "smtp.allow-auth-without-tls",
            false,
            "Allow SMTP AUTH (smtp.username) over smtp.security none, sending the password in clear. Refused unless set: only for a relay on a trusted local link.");
    public static final Option<Duration> SMTP_TIMEOUT = duration(
            "smtp.timeout",
            Duration.ofSeconds(10),
            Duration.ofMillis(100),
            Duration.ofMinutes(5),
            "Connect and read timeout of one SMTP exchange.");
    public static final Option<io.mailflow.delivery.SmtpMailClient.MimeWriter> SMTP_MIME_WRITER = Option.choice(
            "smtp.mime-writer",
            io.mailflow.delivery.SmtpMailClient.MimeWriter.MAILFLOW,
            io.mailflow.delivery.SmtpMailClient.MimeWriter.class,
            "How messages are written: mailflow (one pass over the rendered parts, multipart/alternative in"
                    + " quoted-printable; about a third of the CPU) or commons-email (Apache Commons Email's HtmlEmail)."
                    + " Same headers and parts either way.");
    public static final Option<Boolean> SMTP_PIPELINING = bool(
            "smtp.pipelining",
            true,
            "Send MAIL FROM, RCPT TO and DATA without waiting for each reply when the relay offers PIPELINING"
                    + " (RFC 2920): two round trips per message instead of four. Nothing of a message is sent"
                    + " before the relay accepted its envelope.");
    public static final Option<Integer> DELIVERY_CAPACITY = integer(
            "delivery.capacity",
            100,
            1,
            100_000,
            "Most e-mails in flight per parallel sender instance (async I/O capacity).");
    public static final Option<Integer> DELIVERY_THREADS =
            integer("delivery.threads", 8, 1, 256, "SMTP connections (and threads) per parallel sender instance.");
    public static final Option<Duration> DELIVERY_TIMEOUT = duration(
            "delivery.timeout",
            Duration.ofMinutes(5),
            Duration.ofSeconds(1),
            Duration.ofHours(1),
            "Time limit for one request in the async sender, retries included.");

    public static final Option<Ledger> DELIVERY_LEDGER = Option.choice(
            "delivery.ledger",
            Ledger.KAFKA,
            Ledger.class,
            "Send ledger: kafka (skip requests accepted before a restart) or none (may re-send after a failure).");
    public static final Option<Duration> LEDGER_RETENTION = duration(
            "delivery.ledger-retention",
            Duration.ofDays(30),
            Duration.ofHours(1),
            Duration.ofDays(3650),
            "How long an accepted request id is remembered by the send ledger.");
    public static final Option<AmbiguousSendPolicy> DELIVERY_AMBIGUOUS_POLICY = Option.choice(
            "delivery.ambiguous-policy",
            AmbiguousSendPolicy.RESEND,
            AmbiguousSendPolicy.class,
            "A replayed request whose send-ledger intent has no acknowledgement (the job failed during the SMTP"
                    + " transaction): resend (at least once) or skip (at most once, reported as SKIPPED_AMBIGUOUS).");
    public static final Option<Integer> MAX_ATTEMPTS = integer(
            "delivery.max-attempts",
            10,
            1,
            1000,
            "Attempts per e-mail, the first included, before a transient failure is final.");
    public static final Option<Duration> RETRY_BASE = duration(
            "delivery.retry-base",
            Duration.ofMillis(200),
            Duration.ofMillis(1),
            Duration.ofMinutes(10),
            "First retry backoff; doubles per attempt, with full jitter.");
    public static final Option<Duration> RETRY_MAX = duration(
            "delivery.retry-max",
            Duration.ofSeconds(30),
            Duration.ofMillis(1),
            Duration.ofHours(1),
            "Longest retry backoff.");
    public static final Option<Double> RELAY_RATE_LIMIT = Option.decimal(
            "delivery.relay-rate-limit",
            0,
            0,
            1_000_000,
            "Most messages per second to the SMTP relay, whole job (0: unlimited). In a live job the guardrails also"
                    + " release e-mails at this rate, so that a burst waits in state and checkpoints keep completing.");
    public static final Option<Double> DOMAIN_RATE_LIMIT = Option.decimal(
            "delivery.domain-rate-limit",
            0,
            0,
            1_000_000,
            "Most messages per second to one recipient domain, whole job (0: unlimited).");

    // ---- Job ----
    public static final Option<Integer> MAX_PARALLELISM = integer(
            "job.max-parallelism",
            128,
            1,
            32768,
            "Max parallelism (number of key groups); fixed for the life of the state.");
    public static final Option<Boolean> BOUNDED =
            bool("job.bounded", false, "Read the input topics up to their current end and stop (replays and tests).");
    public static final Option<String> TOPIC_DECISIONS = nonEmpty(
            "topic.decisions",
            "mailflow.decisions",
            "Output topic of dry-run decisions (send with the rendered subject, defer, drop, holdout, with reasons)"
                    + " of dry-run campaigns and of a dry-run job.");
    public static final Option<Boolean> DRY_RUN = bool(
            "job.dry-run",
            false,
            "Dry run: every campaign decides as usual (triggers, guardrails, rendering) but nothing is sent; every"
                    + " decision goes to topic.decisions (campaign events and every campaign's status carry dryRun)."
                    + " Campaigns may also be dry-run one by one (dryRun: true; their status then shows dryRun).");
    public static final Option<EndOfInput> END_OF_INPUT = Option.choice(
            "job.end-of-input",
            EndOfInput.LAST_EVENT,
            EndOfInput.class,
            "Where event time stops when a bounded job (job.bounded) has read its input: last-event stops it at"
                    + " the newest event plus job.end-of-input-lateness, so timers due later (a 30-day win-back, a cart"
                    + " delay not yet over) never fire, as in a live job at that moment; end-of-time fires every"
                    + " pending timer (Flink's default).");
    public static final Option<Duration> END_OF_INPUT_LATENESS = duration(
            "job.end-of-input-lateness",
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofDays(30),
            "With job.end-of-input=last-event: how far past the newest event event time advances at the end of a"
                    + " bounded input (e.g. session.gap to close the sessions still open).");

    // ---- Models ----
    // Features, segments (streaming k-means) and purchase propensity (FTRL); see io.mailflow.models.ModelStage.
    public static final Option<Duration> FEATURES_TTL = duration(
            "features.ttl",
            Duration.ofDays(90),
            Duration.ofHours(1),
            Duration.ofDays(3650),
            "A user's long-lived features are dropped after this long without a session (state TTL).");
    public static final Option<Duration> FEATURES_DECAY_HALF_LIFE = duration(
            "features.decay-half-life",
            Duration.ofDays(30),
            Duration.ofHours(1),
            Duration.ofDays(3650),
            "Event-time half-life of the decayed counts in the feature vector (recent behaviour weighs more).");
    public static final Option<Duration> FEATURES_IDLE_SNAPSHOT_AFTER = duration(
            "features.idle-snapshot-after",
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofDays(3650),
            "A user who stays away this long after a session is snapshotted and scored again (its decayed counts aged,"
                    + " its recency grown), so score thresholds and audience filters see a dormant user's score move;"
                    + " idle snapshots are never labelled, trained on, segmented or counted as sessions. 0 = off."
                    + " Should exceed session.gap (docs/features.md).");
    public static final Option<Integer> FEATURES_IDLE_SNAPSHOT_MAX = integer(
            "features.idle-snapshot-max",
            3,
            1,
            IdleSchedule.MAX_REPEATS,
            "With features.idle-snapshot-after: idle snapshots at most after one session (at after, 2 x after, ...);"
                    + " a new session starts the count again.");
    public static final Option<Integer> KMEANS_K =
            integer("kmeans.k", 8, 2, 100, "Number of user segments (clusters of streaming k-means).");
    public static final Option<KMeansMode> KMEANS_MODE = Option.choice(
            "kmeans.mode",
            KMeansMode.REFIT,
            KMeansMode.class,
            "How each k-means batch makes the next model: refit (Lloyd's algorithm on a bounded sample of users'"
                    + " latest vectors, with fresh k-means++ starts as the sample grows: batch quality) or minibatch"
                    + " (the decayed mini-batch rule on the batch alone).");
    public static final Option<Integer> KMEANS_SAMPLE_SIZE = integer(
            "kmeans.sample-size",
            50_000,
            100,
            10_000_000,
            "refit mode: most users in the k-means sample (a uniform sample by a hash of the user id, each user's"
                    + " latest vector; memory about (dimensions x 8 + 40) bytes per user on the trainer).");
    public static final Option<Duration> KMEANS_SAMPLE_MAX_AGE = duration(
            "kmeans.sample-max-age",
            Duration.ofDays(30),
            Duration.ofMinutes(1),
            Duration.ofDays(3650),
            "refit mode: a user's vector leaves the k-means sample this long (event time) after its snapshot.");
    public static final Option<Integer> KMEANS_RESTARTS = integer(
            "kmeans.restarts",
            10,
            0,
            100,
            "refit mode: fresh k-means++ starts tried whenever the sample has grown by a fifth (or every 16"
                    + " versions, or every sample-size / batch-size versions if more); the best replaces the model"
                    + " when its SSE is at least 1 % lower.");
    public static final Option<Integer> KMEANS_RESTART_SAMPLE_SIZE = integer(
            "kmeans.restart-sample-size",
            4_096,
            100,
            10_000_000,
            "refit mode: most sample points the fresh k-means++ starts are seeded and run on (every n-th user of"
                    + " the sample in hash order); only the best start is then refined on the whole sample. Raise it"
                    + " to kmeans.sample-size to search on the whole sample, at several times the trainer's CPU.");
    public static final Option<Double> KMEANS_DECAY_HALF_LIFE = decimal(
            "kmeans.decay-half-life",
            20.0,
            0.01,
            1e9,
            "minibatch mode: half-life of past points in k-means, in mini-batches (decay factor d = 0.5^(1/half-life)).");
    public static final Option<Integer> KMEANS_BATCH_SIZE = integer(
            "kmeans.batch-size",
            500,
            1,
            1_000_000,
            "A k-means batch closes (a new model version) when it holds this many feature vectors.");
    public static final Option<Duration> KMEANS_BATCH_MAX_WAIT = duration(
            "kmeans.batch-max-wait",
            Duration.ofMinutes(5),
            Duration.ofSeconds(1),
            Duration.ofDays(7),
            "k-means batches follow event-time intervals of this length: an interval's last batch closes when the"
                    + " watermark passes its end plus session.gap, so low traffic still updates the model and a replay"
                    + " gives the same models every time.");
    public static final Option<Double> FTRL_ALPHA =
            decimal("ftrl.alpha", 0.1, 1e-9, 100.0, "FTRL-Proximal alpha (scale of the per-coordinate learning rate).");
    public static final Option<Double> FTRL_BETA = decimal(
            "ftrl.beta",
            0.1,
            0.0,
            100.0,
            "FTRL-Proximal beta (smooths the learning rate of rarely updated coordinates).");
    public static final Option<Double> FTRL_L1 = decimal(
            "ftrl.l1", 0.001, 0.0, 1000.0, "FTRL-Proximal L1 regularization (drives weak coefficients to exactly 0).");
    public static final Option<Double> FTRL_L2 =
            decimal("ftrl.l2", 0.01, 0.0, 1000.0, "FTRL-Proximal L2 regularization.");
    public static final Option<Integer> FTRL_PUBLISH_EVERY = integer(
            "ftrl.publish-every",
            100,
            1,
            1_000_000,
            "The propensity trainer publishes a new model version every this many examples.");
    public static final Option<PropensityLearner> FTRL_LEARNER = Option.choice(
            "ftrl.learner",
            PropensityLearner.BINNED,
            PropensityLearner.class,
            "The served propensity model: binned (FTRL over the raw features in online quantile bins and their"
                    + " pairwise crosses, calibrated) or linear (FTRL over the standardized features). A job restored"
                    + " from a linear-only savepoint serves its linear model until the binned learner has caught up.");
    public static final Option<Boolean> FTRL_EXTRAS = bool(
            "ftrl.extras",
            false,
            "binned learner: also learn the extra inputs of docs/features.md (recency at scoring time, on-site"
                    + " click-through rate, price sensitivity, e-mail engagement, hashed search terms and categories)."
                    + " Off by default: on the replays they did not help (CDNOW lost AUC, docs/features.md). Turning it"
                    + " on keeps a restored binned state; turning it off again restarts the binned learner.");
    public static final Option<Integer> FTRL_BINS =
            integer("ftrl.bins", 8, 2, 64, "binned learner: quantile bins per feature (edges learned online).");
    public static final Option<Integer> FTRL_HASH_BITS = integer(
            "ftrl.hash-bits",
            16,
            8,
            22,
            "binned learner: the model has 2^hash-bits hashed coordinates for bins and crosses (fixed memory: 16 bytes"
                    + " each in the trainer's state); changing it restarts the binned learner.");
    public static final Option<Double> FTRL_BINNED_ALPHA =
            decimal("ftrl.binned-alpha", 0.05, 1e-9, 100.0, "binned learner: FTRL-Proximal alpha.");
    public static final Option<Double> FTRL_BINNED_L2 =
            decimal("ftrl.binned-l2", 1.0, 0.0, 1000.0, "binned learner: L2 regularization.");
    public static final Option<Integer> FTRL_CALIBRATION_WINDOW = integer(
            "ftrl.calibration-window",
            2048,
            0,
            1_000_000,
            "binned learner: the calibration layer (Platt scaling) refits on this many recent examples; 0: none"
                    + " (otherwise at least 50).");
    public static final Option<Duration> LABEL_HORIZON = duration(
            "label.horizon",
            Duration.ofHours(24),
            Duration.ofMinutes(1),
            Duration.ofDays(365),
            "A session's feature snapshot is a positive example if the user purchases within this long after it (event time); keep it above session.gap.");
    public static final Option<LabelRelease> LABEL_RELEASE = Option.choice(
            "label.release",
            LabelRelease.HORIZON,
            LabelRelease.class,
            "When a positive example reaches the propensity trainer: horizon (one label horizon after its snapshot,"
                    + " like every negative, so the model does not learn an inflated purchase rate) or purchase (at"
                    + " once: fresher, biased upwards).");
    public static final Option<Integer> VALIDATION_WINDOW = integer(
            "validation.window",
            1000,
            10,
            1_000_000,
            "Number of most recent labelled served scores over which the published AUC, log loss and calibration error are computed.");

    // ---- Feedback ----
    // Engagement events, attribution and campaign statistics; see io.mailflow.feedback.FeedbackStage.
    public static final Option<String> TOPIC_ENGAGEMENT = nonEmpty(
            "topic.engagement",
            "mailflow.engagement",
            "Input topic of engagement events (delivered, opened, clicked, bounced, complained, unsubscribed; JSON).");
    public static final Option<String> TOPIC_CAMPAIGN_STATS = nonEmpty(
            "topic.campaign-stats",
            "mailflow.campaign-stats",
            "Output topic of campaign statistics per campaign, variant and event-time window.");
    public static final Option<String> TOPIC_ENGAGEMENT_FEATURES = nonEmpty(
            "topic.engagement-features",
            "mailflow.engagement-features",
            "Output topic of per-user e-mail engagement features (decayed sends, opens, clicks, conversions).");
    public static final Option<Duration> ATTRIBUTION_WINDOW = duration(
            "attribution.window",
            Duration.ofDays(3),
            Duration.ofMinutes(1),
            Duration.ofDays(90),
            "A purchase this long (event time) after a click on, or else the send of, a campaign e-mail is credited to it (last touch, clicks first).");
    public static final Option<Duration> STATS_WINDOW = duration(
            "stats.window",
            Duration.ofHours(1),
            Duration.ofMinutes(1),
            Duration.ofDays(31),
            "Event-time tumbling window of the campaign statistics.");
    public static final Option<Duration> ENGAGEMENT_DEDUP_TTL = duration(
            "engagement.dedup-ttl",
            FeedbackSettings.DEFAULT_DEDUP_TTL,
            Duration.ofMinutes(1),
            Duration.ofDays(30),
            "How long (event time) an engagement eventId is remembered, so that a webhook retry or a replay of the"
                    + " tracking service's spool is counted once.");
    public static final Option<Integer> ENGAGEMENT_DEDUP_MAX_IDS = integer(
            "feedback.dedup-max-ids",
            FeedbackSettings.DEFAULT_DEDUP_MAX_IDS,
            10,
            1_000_000,
            "Most engagement eventIds remembered per user within engagement.dedup-ttl; beyond it the oldest are"
                    + " forgotten first.");
    public static final Option<Duration> STATS_ALLOWED_LATENESS = duration(
            "stats.allowed-lateness",
            Duration.ofHours(1),
            Duration.ZERO,
            Duration.ofDays(7),
            "A statistics window fires again with corrected counts for funnel events up to this late; later ones become dead letters.");

    // ---- Differential privacy ----
    // Noisy campaign statistics for export; see io.mailflow.feedback.DpRelease and docs/privacy.md.
    public static final Option<Boolean> DP_ENABLED = bool(
            "privacy.dp.enabled",
            false,
            "Also publish differentially private campaign statistics (noisy counts and revenue per campaign and stats.window) to topic.campaign-stats-dp.");
    public static final Option<String> TOPIC_CAMPAIGN_STATS_DP = nonEmpty(
            "topic.campaign-stats-dp",
            "mailflow.campaign-stats-dp",
            "Output topic of the differentially private campaign statistics, each record marked with its epsilon.");
    public static final Option<NoiseMechanism> DP_MECHANISM = Option.choice(
            "privacy.dp.mechanism",
            NoiseMechanism.LAPLACE,
            NoiseMechanism.class,
            "Noise of the DP statistics: LAPLACE (discrete Laplace, pure epsilon-DP) or GAUSSIAN (discrete Gaussian, zCDP converted at privacy.dp.delta).");
    public static final Option<Double> DP_EPSILON_PER_RELEASE = decimal(
            "privacy.dp.epsilon-per-release",
            1.0,
            0.01,
            10.0,
            "Privacy loss (epsilon) of one campaign window's release, all its figures together.");
    public static final Option<Double> DP_BUDGET_EPSILON = decimal(
            "privacy.dp.budget-epsilon",
            10.0,
            0.01,
            100.0,
            "Total privacy loss a campaign may spend; once spent, its later windows are refused (reported, not released).");
    public static final Option<Double> DP_DELTA = decimal(
            "privacy.dp.delta",
            1e-6,
            1e-12,
            1e-3,
            "Delta of a campaign's (epsilon, delta) budget; used by the GAUSSIAN mechanism only.");
    public static final Option<Integer> DP_MAX_EMAILS_PER_USER = integer(
            "privacy.dp.max-emails-per-user",
            1,
            1,
            100,
            "Contribution bound: per campaign and window, each of a user's counts (sent, opens, clicks, conversions) is clipped to this.");
    public static final Option<Double> DP_MAX_REVENUE_PER_USER = decimal(
            "privacy.dp.max-revenue-per-user",
            100.0,
            0.01,
            1_000_000.0,
            "Contribution bound: per campaign and window, a user's attributed revenue is clipped to this (currency units).");

    // ---- Pseudonymous ids ----
    // The shop's user ids replaced at the inputs by keyed pseudonyms; see io.mailflow.privacy.Pseudonymizer and
    // docs/privacy.md, "Pseudonymous ids".
    public static final Option<Boolean> PSEUDONYMS_ENABLED = bool(
            "privacy.pseudonyms.enabled",
            false,
            "Replace the shop's user ids in events, profiles and suppressions by keyed pseudonyms (HMAC-SHA256 with the"
                    + " key from " + PSEUDONYM_KEY_ENV
                    + ", at least 32 characters) when they are read, so state, output"
                    + " topics, logs, links and headers carry only pseudonyms. Changes every user key: not for a job"
                    + " restored from a savepoint taken without it.");
    public static final Option<String> PSEUDONYM_KEY_ID = Option.matching(
            "privacy.pseudonyms.key-id",
            "p1",
            "[A-Za-z0-9-]{1,16}",
            "1-16 of A-Z a-z 0-9 -",
            "Public id of the pseudonym key, written in front of every pseudonym (p1_ and 34 of a-z 2-7); give a new key"
                    + " a new id (docs/privacy.md, \"Pseudonym key rotation\").");

    // ---- Encrypted personal data ----
    // Addresses, names and rendered e-mails encrypted under per-user keys; erasure deletes the key. See
    // io.mailflow.privacy.PersonalDataCipher and docs/privacy.md, "Key management".
    public static final Option<Boolean> ENCRYPTION_ENABLED = bool(
            "privacy.encryption.enabled",
            false,
            "Encrypt e-mail addresses, names and rendered e-mails (AES-256-GCM) under a per-user data key wherever"
                    + " the job stores them (contact and guardrail state, e-mails in flight, checkpoints), decrypted"
                    + " only to render and right before SMTP. The keys, wrapped by the master key from "
                    + MASTER_KEY_ENV + ", live only in topic.user-keys; an erasure deletes the user's key.");
    public static final Option<String> ENCRYPTION_MASTER_KEY_ID = Option.matching(
            "privacy.encryption.master-key-id",
            "m1",
            "[A-Za-z0-9_-]{1,16}",
            "1-16 of A-Z a-z 0-9 - _",
            "Id of the master key in " + MASTER_KEY_ENV
                    + ", written with every wrapped data key; a new master key gets a new id (docs/privacy.md,"
                    + " \"Master key rotation\").");
    public static final Option<String> TOPIC_USER_KEYS = nonEmpty(
            "topic.user-keys",
            "mailflow.user-keys",
            "Compacted topic of the per-user data keys (keyed by user id, wrapped by the master key; a tombstone erases"
                    + " the user's data). Used with privacy.encryption.enabled; never in Flink state.");

    // ---- Campaigns ----
    // Campaign definitions, triggers, guardrails and recommendations; see docs/campaigns.md.
    public static final Option<String> TOPIC_CAMPAIGNS = nonEmpty(
            "topic.campaigns",
            "mailflow.campaigns",
            "Input control topic of campaign definitions (JSON or YAML, compacted, keyed by campaign id).");
    public static final Option<String> TOPIC_CATALOG = string(
            "topic.catalog",
            "",
            "Input topic of the product catalog (JSON items, compacted, keyed by item id; docs/events.md). Empty: no"
                    + " catalog, e-mails show item ids as before. Set: requests are joined with the catalog (keyed state)"
                    + " and follow their campaign's catalog rules.");
    public static final Option<Integer> CATALOG_TRIGGERS_MAX_WATCHERS = integer(
            "catalog-triggers.max-watchers",
            1000,
            1,
            100_000,
            "With a catalog and a back-in-stock or price-drop campaign: most users kept watching one item; a new watcher evicts the one seen longest ago.");
    public static final Option<Duration> CATALOG_TRIGGERS_WATCH_TTL = duration(
            "catalog-triggers.watch-ttl",
            Duration.ofDays(30),
            Duration.ofHours(1),
            Duration.ofDays(365),
            "A view or cart makes the user a watcher of the item (back in stock, price drop) for this long (event time) after it; then the entry is dropped once its dedup periods have run out.");
    public static final Option<String> TOPIC_CAMPAIGN_STATUS = nonEmpty(
            "topic.campaign-status",
            "mailflow.campaign-status",
            "Output topic of campaign definitions applied (ACTIVE, PAUSED, DELETED), ignored (STALE) or rejected with the reason.");
    public static final Option<String> TOPIC_CAMPAIGN_EVENTS = nonEmpty(
            "topic.campaign-events",
            "mailflow.campaign-events",
            "Output topic of guardrail decisions per request: RELEASED, HOLDOUT (exposure without e-mail, for lift), DEFERRED, DROPPED.");
    public static final Option<String> CAMPAIGNS_FILE = string(
            "campaigns.file",
            "",
            "Campaign definitions in force from the start (a file path or classpath:name); control-topic updates override them. Empty: none.");
    public static final Option<Duration> CAMPAIGNS_USER_STATE_TTL = duration(
            "campaigns.user-state-ttl",
            Duration.ofDays(90),
            Duration.ofHours(1),
            Duration.ofDays(3650),
            "The trigger operator forgets a user's segment, score, features and purchased items this long (event time) after their last update.");
    public static final Option<Duration> CAMPAIGNS_ATTRIBUTION_WINDOW = duration(
            "campaigns.attribution-window",
            Duration.ofDays(3),
            Duration.ofMinutes(1),
            Duration.ofDays(90),
            "A purchase this soon after an e-mail request counts as a conversion of its variant (Thompson sampling).");
    public static final Option<BanditPrior.Kind> CAMPAIGNS_BANDIT_PRIOR = Option.choice(
            "campaigns.bandit.prior",
            BanditPrior.Kind.UNIFORM,
            BanditPrior.Kind.class,
            "Prior of the variant bandit's Thompson sampling. uniform: Beta(1, 1) for every variant. pooled: an empirical-Bayes Beta prior centred on the campaign's pooled conversion rate, so that rarely shown variants do not look promising when conversions are rare (docs/uplift.md).");
    public static final Option<Double> CAMPAIGNS_BANDIT_PRIOR_STRENGTH = decimal(
            "campaigns.bandit.prior-strength",
            0,
            0,
            1e9,
            "With campaigns.bandit.prior pooled: the prior's weight in pseudo-exposures; 0 estimates it from the spread of the campaign's variant rates (method of moments, kept in [2, the campaign's exposures]).");
    public static final Option<String> TOPIC_VARIANT_STATS = string(
            "topic.variant-stats",
            "",
            "Compacted topic of the global bandit's job-wide variant totals (JSON, keyed by campaign|variant), written and read back by the job. Empty: each parallel trigger instance's Thompson sampling decides by its own counts. Set: by the totals of all instances, at most one report interval plus a round trip through this topic old (docs/campaigns.md).");
    public static final Option<Duration> CAMPAIGNS_VARIANT_REPORT_INTERVAL = duration(
            "campaigns.variant-stats.report-interval",
            Duration.ofMinutes(1),
            Duration.ofMinutes(1),
            Duration.ofDays(1),
            "With topic.variant-stats: each trigger instance reports its new exposures and conversions at most this often (event time, at the next minute tick), which bounds how stale the other instances' counts can be.");
    public static final Option<String> TOPIC_UPLIFT_MODELS = string(
            "topic.uplift-models",
            "",
            "Compacted topic of the campaigns' uplift models (JSON, keyed by campaign id), written by the job's uplift trainer and read back by the triggers. Empty: no uplift learning, and campaigns with targeting.uplift e-mail every non-holdout user (docs/uplift.md).");
    public static final Option<Integer> UPLIFT_PUBLISH_EVERY = integer(
            "uplift.publish-every",
            100,
            1,
            1_000_000,
            "With topic.uplift-models: a campaign's uplift model is published (a new version) every this many decision outcomes of the campaign (purchases within campaigns.attribution-window, or its end).");
    public static final Option<Double> CAMPAIGNS_CONTROL_GROUP_PERCENT = decimal(
            "campaigns.control-group.percent",
            0.0,
            0.0,
            50.0,
            "Global control group: this share of users (percent, by a hash of the salt and the user id) gets no campaign e-mail at all; each would-be e-mail is recorded as a HOLDOUT decision (reason 'global control group'), and the statistics' programme line (campaign _programme) measures every mailed e-mail against them. 0: off.");
    public static final Option<String> CAMPAIGNS_CONTROL_GROUP_SALT = nonEmpty(
            "campaigns.control-group.salt",
            "mailflow-control-1",
            "Salt of the global control group's hash: the group is stable while it stays the same; a new salt draws a new group (and starts its figures afresh).");
    public static final Option<LimitAction> GUARDRAILS_ON_LIMIT = Option.choice(
            "guardrails.on-limit",
            LimitAction.DEFER,
            LimitAction.class,
            "What a frequency cap or quiet hours do to a send that is not allowed now: defer it to the next allowed moment, or drop it (campaigns may override).");
    public static final Option<Integer> GUARDRAILS_MAX_PER_USER = integer(
            "guardrails.max-per-user",
            3,
            0,
            1000,
            "Global frequency cap: most e-mails per user within guardrails.cap-window, all campaigns together (0: no cap).");
    public static final Option<Duration> GUARDRAILS_CAP_WINDOW = duration(
            "guardrails.cap-window",
            Duration.ofDays(1),
            Duration.ofMinutes(1),
            Duration.ofDays(365),
            "Rolling window of the global frequency cap.");
    public static final Option<Duration> GUARDRAILS_QUIET_START = duration(
            "guardrails.quiet-hours-start",
            Duration.ofHours(21),
            Duration.ZERO,
            Duration.ofDays(1),
            "Start of quiet hours as time after local midnight in the recipient's time zone (equal to the end: no quiet hours).");
    public static final Option<Duration> GUARDRAILS_QUIET_END = duration(
            "guardrails.quiet-hours-end",
            Duration.ofHours(8),
            Duration.ZERO,
            Duration.ofDays(1),
            "End of quiet hours as time after local midnight in the recipient's time zone.");
    public static final Option<Duration> GUARDRAILS_MAX_DEFER = duration(
            "guardrails.max-defer",
            Duration.ofDays(3),
            Duration.ZERO,
            Duration.ofDays(30),
            "A send that would be deferred further than this after its trigger is dropped instead.");
    public static final Option<Integer> RECO_PER_EMAIL =
            integer("recommendations.per-email", 6, 0, 50, "Recommended items in each e-mail.");
    public static final Option<Integer> RECO_NEIGHBOURS = integer(
            "recommendations.neighbours",
            20,
            1,
            200,
            "Top-K neighbours per item (and top items per segment) the recommendation model publishes.");
    public static final Option<Integer> RECO_MAX_CANDIDATES = integer(
            "recommendations.max-candidates",
            100,
            10,
            10_000,
            "Co-occurring items remembered per item (the heaviest are kept; bounds the model's state).");
    public static final Option<Integer> RECO_MAX_ITEMS = integer(
            "recommendations.max-items",
            200_000,
            100,
            10_000_000,
            "Most items the recommendation model keeps; beyond it the lightest (decayed count) are forgotten, as are"
                    + " items whose decayed count fell below 0.01.");
    public static final Option<Duration> RECO_HALF_LIFE = duration(
            "recommendations.decay-half-life",
            Duration.ofDays(7),
            Duration.ofHours(1),
            Duration.ofDays(3650),
            "Event-time half-life of co-occurrence and popularity counts.");
    public static final Option<Duration> RECO_PUBLISH_INTERVAL = duration(
            "recommendations.publish-interval",
            Duration.ofMinutes(1),
            Duration.ofSeconds(1),
            Duration.ofDays(1),
            "The recommendation model publishes the lists that changed this often (event time).");

    public static final Option<Double> RECO_RECENCY_WEIGHT = decimal(
            "recommendations.recency-weight",
            Recommender.DEFAULT_RECENCY_WEIGHT,
            0.0,
            100.0,
            "Weight of the user's own recent items in the ranking (the most recent counts most); tuned with"
                    + " recommendations.knn-weight on a validation split of YOOCHOOSE's train part"
                    + " (docs/recommendations-report.md).");
    public static final Option<Double> RECO_KNN_WEIGHT = decimal(
            "recommendations.knn-weight",
            Recommender.DEFAULT_KNN_WEIGHT,
            0.0,
            100.0,
            "Weight of the session-kNN neighbours in the ranking, next to the co-occurrence ones (weight 1); 0"
                    + " leaves them out of the ranking.");
    public static final Option<Integer> RECO_KNN_SESSIONS_PER_ITEM = integer(
            "recommendations.knn.sessions-per-item",
            200,
            1,
            100_000,
            "Session-kNN: most recent sessions indexed per item (its neighbours are computed from these).");
    public static final Option<Integer> RECO_KNN_MAX_SESSIONS = integer(
            "recommendations.knn.max-sessions",
            200_000,
            10,
            50_000_000,
            "Session-kNN: most sessions in the index (items and end time only, no ids); the oldest go first,"
                    + " checked at each publication.");
    public static final Option<Duration> RECO_KNN_MAX_AGE = duration(
            "recommendations.knn.max-age",
            Duration.ofDays(30),
            Duration.ofHours(1),
            Duration.ofDays(3650),
            "Session-kNN: sessions that ended longer ago than this (event time) leave the index.");

    private static final List<Option<?>> ALL = collect();

    private MailflowOptions() {}

    /** All options, in declaration order. */
    public static List<Option<?>> all() {
        return ALL;
    }

    private static List<Option<?>> collect() {
        List<Option<?>> options = new ArrayList<>();
        for (Field f : MailflowOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Option.class) {
                try {
                    options.add((Option<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Collections.unmodifiableList(options);
    }

    /** Where event time stops at the end of a bounded input. */
    public enum EndOfInput {
        LAST_EVENT,
        END_OF_TIME
    }

    /** Where the send ledger lives. */
    public enum KMeansMode {
        REFIT,
        MINIBATCH
    }

    /** Which propensity learner the job serves. */
    public enum PropensityLearner {
        BINNED,
        LINEAR
    }

    /** When the purchase labeller releases a positive example. */
    public enum LabelRelease {
        HORIZON,
        PURCHASE
    }

    public enum Ledger {
        KAFKA,
        NONE
    }
}
