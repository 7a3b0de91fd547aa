package io.mailflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.api.common.functions.Function;
import org.apache.flink.api.common.functions.RichFunction;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.operators.UdfStreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.KeyedBroadcastStateTransformation;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.transformations.TwoInputTransformation;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperator;
import org.junit.jupiter.api.Test;

/**
 * Erasure must reach every piece of per-user state. This test builds the production graph, opens the user
 * function of every keyed operator with a recording runtime context to list the keyed state it registers
 * (window operators hold their window contents), and fails when a state is not in {@link #TABLE}: cleared
 * by an erasure (the named harness test sends one and asserts the user's state is gone), bounded by a named
 * TTL, or not per user. The table is mirrored in docs/security.md, section "Erasure".
 */
class ErasureCoverageTest {
    enum Cover {
        /** Cleared when the user's erasure arrives; the test that proves it is named. */
        ERASED,
        /** Not reached by erasure; gone after the named TTL or bound. */
        TTL,
        /** Keyed by something other than a user (a global key or a campaign): holds no personal data. */
        NOT_PER_USER
    }

    record Row(Cover cover, String how) {}

    /** "uid / state name" to how it is covered. */
    static final Map<String, Row> TABLE = new TreeMap<>(Map.ofEntries(
            erased("deduplicate-events", "event-ids", "DeduplicateFunctionTest#anErasureForgetsTheUsersIds"),
            erased("deduplicate-events", "event-ids-sweep", "DeduplicateFunctionTest#anErasureForgetsTheUsersIds"),
            erased("deduplicate-events", "event-ids-count", "DeduplicateFunctionTest#anErasureForgetsTheUsersIds"),
            ttl(
                    "session-window",
                    "window-contents",
                    "session.gap: the window closes one gap after the user's last event"),
            erased("user-features", "user-history", "FeatureFunctionTest#anErasureForgetsTheUsersHistory"),
            ttl(
                    "purchase-labeller",
                    "pending-snapshots",
                    "scoring.label-horizon: each snapshot is labelled and dropped at snapshot + horizon"),
            ttl("purchase-labeller", "last-purchase", "scoring.label-horizon: dropped at purchase + horizon"),
            ttl(
                    "purchase-labeller",
                    "held-positives",
                    "label.horizon: a positive label is held until snapshot + horizon, then released and dropped"),
            ttl(
                    "served-score-join",
                    "served-scores",
                    "label.horizon: a served score waits for its label until snapshot + horizon"),
            ttl(
                    "served-score-join",
                    "served-labels",
                    "label.horizon: a label waits for its served score at most until snapshot + 10 horizons"),
            ttl(
                    "served-score-join",
                    "served-last-snapshot",
                    "label.horizon: cleared with the user's last pending score or label (at most 10 horizons)"),
            ttl(
                    "kmeans-assigner",
                    "kmeansModelVersion-buffer",
                    "until the first k-means model arrives (only before the first model; then emptied)"),
            ttl(
                    "propensity-scorer",
                    "propensityModelVersion-buffer",
                    "until the first propensity model arrives (only before the first model; then emptied)"),
            notPerUser("kmeans-trainer", "GLOBAL KEY: centroids and batch of the global model"),
            ttl(
                    "kmeans-trainer",
                    "kmeans-sample",
                    "kmeans.sample-max-age (event time): the sample's vectors, keyed by a hash of the user id, never"
                            + " the id"),
            ttl(
                    "kmeans-trainer",
                    "kmeans-pending",
                    "until the open interval closes (kmeans.batch-max-wait + session.gap); a hash of the user id"),
            ttl(
                    "segment-activity",
                    "session-items",
                    "until the session's segment assignment, which follows every session; one entry per user"),
            notPerUser(
                    "recommendation-trainer",
                    "GLOBAL KEY: item and segment counts, session-kNN index (item lists and end times), no user ids"),
            erased(
                    "campaign-triggers",
                    "pending-triggers",
                    "TriggerFunctionTest#anErasureForgetsEverythingAndCancelsPendingTriggers"),
            erased(
                    "campaign-triggers",
                    "cart-purchase-times",
                    "TriggerFunctionTest#anErasureForgetsEverythingAndCancelsPendingTriggers"),
            erased(
                    "campaign-triggers",
                    "view-tallies",
                    "TriggerFunctionTest#anErasureForgetsEverythingAndCancelsPendingTriggers"),
            erased(
                    "campaign-triggers",
                    "last-activity",
                    "TriggerFunctionTest#anErasureForgetsEverythingAndCancelsPendingTriggers"),
            erased(
                    "campaign-triggers",
                    "user-facts",
                    "TriggerFunctionTest#anErasureForgetsEverythingAndCancelsPendingTriggers"),
            erased(
                    "campaign-triggers",
                    "purchased-items",
                    "TriggerFunctionTest#anErasureForgetsEverythingAndCancelsPendingTriggers"),
            erased(
                    "campaign-triggers",
                    "exposure",
                    "TriggerFunctionTest#anErasureForgetsEverythingAndCancelsPendingTriggers"),
            erased(
                    "campaign-triggers",
                    "user-zone",
                    "ScheduledTriggerFunctionTest#theStateIsOneMarkerPerUserAndTheZoneNoTimerIsAddedAndTheyGoWithTheFactsOrAnErasure"),
            erased(
                    "campaign-triggers",
                    "scheduled-sends",
                    "ScheduledTriggerFunctionTest#theStateIsOneMarkerPerUserAndTheZoneNoTimerIsAddedAndTheyGoWithTheFactsOrAnErasure"),
            erased(
                    "campaign-triggers",
                    "uplift-pending",
                    "UpliftTriggerFunctionTest#anErasureForgetsTheWaitingDecisionsAndTheirFeatures"),
            erased(
                    "campaign-triggers",
                    "housekeeping-timer",
                    "TriggerFunctionTest#anErasureForgetsEverythingAndCancelsPendingTriggers"),
            notPerUser("catalog-lookup", "keyed by item: catalog versions and request-item lookups (request id, item)"),
            ttl(
                    "catalog-assemble",
                    "catalog-request",
                    "until the request's item lookups are answered (event time reaches its triggeredAt); then emitted"),
            ttl(
                    "catalog-assemble",
                    "catalog-parts",
                    "until the request's item lookups are answered (event time reaches its triggeredAt); then emitted"),
            erased(
                    "item-watchers",
                    "item-watchers",
                    "ItemWatchFunctionTest#anErasureThroughTheIndexForgetsTheUserInTheirItemsOnlyAndVisitsNoOtherItem"),
            erased(
                    "item-watchers",
                    "watch-pending-views",
                    "ItemWatchFunctionTest#anErasureThroughTheIndexForgetsTheUserInTheirItemsOnlyAndVisitsNoOtherItem"),
            erased(
                    "item-watch-index",
                    "watch-index-items",
                    "WatchIndexFunctionTest#anErasureGoesToTheUsersItemsOnlyAndClearsTheirIndexAndTimer"),
            erased(
                    "item-watch-index",
                    "watch-index-meta",
                    "WatchIndexFunctionTest#anErasureGoesToTheUsersItemsOnlyAndClearsTheirIndexAndTimer"),
            ttl(
                    "item-watchers",
                    "watch-item-status",
                    "no user data: the item's availability and price; removed with the item"),
            ttl(
                    "item-watchers",
                    "watch-pending-changes",
                    "no user data: catalog versions until event time reaches their updatedAt (applied, then removed)"),
            erased(
                    "profile-join",
                    "profile",
                    "ProfileJoinFunctionTest#erasureForgetsTheProfileKeepsOnlyASuppressionAndIsAnnounced"),
            erased(
                    "profile-join",
                    "campaign-type-choices",
                    "ProfileJoinFunctionTest#erasureForgetsTheProfileKeepsOnlyASuppressionAndIsAnnounced"),
            erased(
                    "profile-join",
                    "requests-waiting",
                    "ProfileJoinFunctionTest#erasureForgetsTheProfileKeepsOnlyASuppressionAndIsAnnounced"),
            erased(
                    "profile-join",
                    "suppression",
                    "replaced by the ERASED tombstone (user id and reason only), which blocks later sends"),
            erased("guardrails", "send-log", "GuardrailFunctionTest#anUnsubscribeOrErasureWhileDeferredCancelsTheSend"),
            erased("guardrails", "deferred", "GuardrailFunctionTest#anUnsubscribeOrErasureWhileDeferredCancelsTheSend"),
            erased("guardrails", "paced-releases", "GuardrailPacingTest#anErasureDropsTheUsersWaitingEmails"),
            ttl(
                    "attribution",
                    "pending-funnel-events",
                    "until the watermark passes each event's time (applied, then removed)"),
            ttl("attribution", "messages", "attribution.window after the e-mail's last touch"),
            ttl("engagement-features", "engagement-features", "features.ttl (state TTL) after the last update"),
            ttl(
                    "deduplicate-engagement",
                    "engagement-ids",
                    "engagement.dedup-ttl: each event id is swept one TTL (event time) after its event; at most"
                            + " engagement.dedup-max-ids per user"),
            ttl(
                    "deduplicate-engagement",
                    "engagement-ids-sweep",
                    "engagement.dedup-ttl: cleared with the last id by the sweep timer"),
            ttl(
                    "deduplicate-engagement",
                    "engagement-ids-count",
                    "engagement.dedup-ttl: cleared with the last id by the sweep timer"),
            notPerUser("campaign-stats-window", "keyed by campaign: counts only; campaign-stats.window"),
            ttl(
                    "dp-user-contributions",
                    "window-contents",
                    "stats.window: one clipped contribution per campaign and user, dropped when the window fires"),
            notPerUser("dp-campaign-sums", "keyed by campaign: clipped sums only"),
            notPerUser("dp-publish", "keyed by campaign: the privacy budget"),
            notPerUser("variant-totals", "keyed by campaign: the global bandit's counts per variant"),
            notPerUser("uplift-trainer", "keyed by campaign: two FTRL states per campaign, no user ids or features")));

    @Test
    void everyKeyedStateOfTheProductionGraphIsClearedByErasureOrBoundedByANamedTtl() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // with every optional operator in the graph
        MailflowJob.define(
                env,
                MailflowConfig.builder()
                        .set(MailflowOptions.DP_ENABLED, true)
                        .set(MailflowOptions.TOPIC_CATALOG, "mailflow.catalog")
                        .set(MailflowOptions.TOPIC_VARIANT_STATS, "mailflow.variant-stats")
                        .set(MailflowOptions.TOPIC_UPLIFT_MODELS, "mailflow.uplift-models")
                        .build());
        Set<String> found = new TreeSet<>();
        for (Transformation<?> t : keyedOperators(env)) {
            for (String state : keyedStates(t)) {
                found.add(t.getUid() + " / " + state);
            }
        }
        List<String> uncovered = new ArrayList<>();
        for (String s : found) {
            String uid = s.substring(0, s.indexOf(" / "));
            if (!TABLE.containsKey(s) && !TABLE.containsKey(uid + " / *")) {
                uncovered.add(s);
            }
        }
        assertThat(uncovered)
                .as("keyed state neither cleared by erasure nor bounded by a documented TTL (add it to TABLE"
                        + " and docs/security.md, section Erasure)")
                .isEmpty();
        Set<String> operators = new TreeSet<>();
        found.forEach(s -> operators.add(s.substring(0, s.indexOf(" / "))));
        for (String row : TABLE.keySet()) {
            assertThat(operators)
                    .as("table row for an operator the graph does not have: " + row)
                    .contains(row.substring(0, row.indexOf(" / ")));
        }
    }

    @Test
    void erasuresReachTheItemWatchersThroughTheWatchIndexAndOnTheBroadcastOnlyAsItsFallback() {
        // a broadcast erasure visits every item of the catalog; keyed by item through the index, only the user's
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MailflowJob.define(
                env,
                MailflowConfig.builder()
                        .set(MailflowOptions.TOPIC_CATALOG, "mailflow.catalog")
                        .build());
        KeyedBroadcastStateTransformation<?, ?, ?, ?> watchers = null;
        for (Transformation<?> t : keyedOperators(env)) {
            if ("item-watchers".equals(t.getUid())) {
                watchers = (KeyedBroadcastStateTransformation<?, ?, ?, ?>) t;
            }
        }
        assertThat(watchers).isNotNull();
        assertThat(uidsUpTo(watchers.getRegularInput(), "item-watch-index"))
                .as("the keyed input comes through the index")
                .contains("item-watch-index");
        assertThat(uidsUpTo(watchers.getBroadcastInput(), "item-watch-index"))
                .as("the broadcast input takes erasures only from the index's fallback side output")
                .contains("item-watch-index", "watch-full-erasures")
                .doesNotContain("watch-erasures", "contact-erasures");
    }

    /** The uids upstream of {@code t}, not looking past the operator {@code stopAt}. */
    private static Set<String> uidsUpTo(Transformation<?> t, String stopAt) {
        Set<String> out = new TreeSet<>();
        if (t.getUid() != null) {
            out.add(t.getUid());
        }
        if (!stopAt.equals(t.getUid())) {
            for (Transformation<?> in : t.getInputs()) {
                out.addAll(uidsUpTo(in, stopAt));
            }
        }
        return out;
    }

    private static List<Transformation<?>> keyedOperators(StreamExecutionEnvironment env) {
        Set<Transformation<?>> all = new LinkedHashSet<>();
        for (Transformation<?> sink : env.getTransformations()) {
            all.addAll(sink.getTransitivePredecessors());
        }
        List<Transformation<?>> keyed = new ArrayList<>();
        for (Transformation<?> t : all) {
            if ((t instanceof OneInputTransformation<?, ?> o && o.getStateKeySelector() != null)
                    || (t instanceof TwoInputTransformation<?, ?, ?> w && w.getStateKeySelector1() != null)
                    || t instanceof KeyedBroadcastStateTransformation<?, ?, ?, ?>) {
                keyed.add(t);
            }
        }
        return keyed;
    }

    /** The names of the keyed state an operator registers (or "window-contents" for a window operator). */
    private static Set<String> keyedStates(Transformation<?> t) throws Exception {
        if (t instanceof KeyedBroadcastStateTransformation<?, ?, ?, ?> b) {
            return opened(b.getUserFunction());
        }
        StreamOperatorFactory<?> factory = t instanceof OneInputTransformation<?, ?> o
                ? o.getOperatorFactory()
                : ((TwoInputTransformation<?, ?, ?>) t).getOperatorFactory();
        if (factory instanceof SimpleOperatorFactory<?> s && s.getOperator() instanceof WindowOperator<?, ?, ?, ?, ?>) {
            return Set.of("window-contents");
        }
        Function f = ((UdfStreamOperatorFactory<?>) factory).getUserFunction();
        if (f
                instanceof
                org.apache.flink.streaming.runtime.operators.windowing.functions.InternalWindowFunction<?, ?, ?, ?>) {
            return Set.of("window-contents");
        }
        return opened(f);
    }

    private static Set<String> opened(Function f) throws Exception {
        Set<String> names = new TreeSet<>();
        RichFunction rich = (RichFunction) f;
        rich.setRuntimeContext(recording(names));
        rich.open(DefaultOpenContext.INSTANCE);
        return names;
    }

    /** A runtime context that records the name of every state asked for and hands out inert state. */
    private static RuntimeContext recording(Set<String> names) {
        return (RuntimeContext) Proxy.newProxyInstance(
                ErasureCoverageTest.class.getClassLoader(), new Class<?>[] {RuntimeContext.class}, (p, m, args) -> {
                    switch (m.getName()) {
                        case "getState", "getMapState", "getListState", "getReducingState", "getAggregatingState" -> {
                            names.add(((StateDescriptor<?, ?>) args[0]).getName());
                            return Proxy.newProxyInstance(
                                    ErasureCoverageTest.class.getClassLoader(),
                                    new Class<?>[] {m.getReturnType()},
                                    (q, n, a) -> null);
                        }
                        case "getMetricGroup" -> {
                            return UnregisteredMetricsGroup.createOperatorMetricGroup();
                        }
                        case "getTaskInfo" -> {
                            return new TaskInfoImpl("task", 1, 0, 1, 0);
                        }
                        case "getUserCodeClassLoader" -> {
                            return ErasureCoverageTest.class.getClassLoader();
                        }
                        case "hashCode" -> {
                            return System.identityHashCode(p);
                        }
                        case "equals" -> {
                            return p == args[0];
                        }
                        default -> {
                            return null;
                        }
                    }
                });
    }

    private static Map.Entry<String, Row> erased(String uid, String state, String test) {
        return Map.entry(uid + " / " + state, new Row(Cover.ERASED, test));
    }

    private static Map.Entry<String, Row> ttl(String uid, String state, String ttl) {
        return Map.entry(uid + " / " + state, new Row(Cover.TTL, ttl));
    }

    private static Map.Entry<String, Row> notPerUser(String uid, String why) {
        return Map.entry(uid + " / *", new Row(Cover.NOT_PER_USER, why));
    }
}
