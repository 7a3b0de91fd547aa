package io.mailflow.tools.ops;

import io.mailflow.features.FeatureExtractor;
import io.mailflow.features.FeatureVector;
import io.mailflow.features.OnlineStandardizer;
import io.mailflow.features.StandardizerState;
import io.mailflow.model.Suppression;
import io.mailflow.model.UserProfile;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.NearestCentroid;
import io.mailflow.tools.ops.StateReaders.GuardrailRow;
import io.mailflow.tools.ops.StateReaders.HistoryRow;
import io.mailflow.tools.ops.StateReaders.PendingTriggerRow;
import io.mailflow.tools.ops.StateReaders.SeenIds;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Per-user rows and state statistics of a savepoint ({@code StateTool inspect}).
 *
 * <p>A user's segment is the segment of their latest features under the savepoint's k-means model:
 * the feature vector of their history, standardized with the merged standardizer state, assigned to the
 * nearest centroid (what the segment assigner would emit for their next session, before that session
 * changes it).
 */
public record SavepointReport(Map<String, Object> stats, List<UserRow> users) {

    /** One user; absent state reads as null or 0. */
    public record UserRow(
            String userId,
            Integer segment,
            Double segmentDistance,
            long sessions,
            String lastSessionEnd,
            int seenEventIds,
            int pendingTriggers,
            String nextTriggerDue,
            boolean profile,
            Boolean consent,
            String locale,
            String suppressed,
            int deferredSends) {}

    public static SavepointReport of(SavepointContents c) {
        KMeansModel kmeans = c.kmeansTrainer() != null ? c.kmeansTrainer() : c.kmeansServing();
        StandardizerState standardizer = OnlineStandardizer.empty(FeatureVector.SIZE);
        for (StandardizerState s : c.standardizers()) {
            if (s.mean().length == FeatureVector.SIZE) {
                standardizer = OnlineStandardizer.merge(standardizer, s);
            }
        }
        // Only vector() is used, which does not depend on the decay half-life.
        FeatureExtractor extractor =
                new FeatureExtractor(Duration.ofDays(30), io.mailflow.features.FeatureSettings.MAX_CATEGORIES);
        NearestCentroid nearest = kmeans == null || kmeans.centroids()[0].length != FeatureVector.SIZE
                ? null
                : new NearestCentroid(kmeans.centroids());

        Map<String, HistoryRow> histories =
                c.histories().stream().collect(Collectors.toMap(HistoryRow::userId, h -> h));
        Map<String, Integer> seen = c.seenIds().stream().collect(Collectors.toMap(SeenIds::userId, SeenIds::count));
        Map<String, List<PendingTriggerRow>> carts =
                c.pendingTriggers().stream().collect(Collectors.groupingBy(PendingTriggerRow::userId));
        Map<String, UserProfile> profiles =
                c.profiles().stream().collect(Collectors.toMap(UserProfile::userId, p -> p));
        Map<String, Suppression> suppressions =
                c.suppressions().stream().collect(Collectors.toMap(Suppression::userId, s -> s));
        Map<String, GuardrailRow> guardrails =
                c.guardrails().stream().collect(Collectors.toMap(GuardrailRow::userId, g -> g));
        TreeMap<String, Boolean> users = new TreeMap<>();
        histories.keySet().forEach(u -> users.put(u, true));
        seen.keySet().forEach(u -> users.put(u, true));
        carts.keySet().forEach(u -> users.put(u, true));
        profiles.keySet().forEach(u -> users.put(u, true));
        suppressions.keySet().forEach(u -> users.put(u, true));
        guardrails.keySet().forEach(u -> users.put(u, true));

        Map<Integer, Long> segmentSizes = new TreeMap<>();
        List<UserRow> rows = new java.util.ArrayList<>();
        for (String u : users.keySet()) {
            HistoryRow h = histories.get(u);
            Integer segment = null;
            Double distance = null;
            if (h != null && nearest != null) {
                double[] z = OnlineStandardizer.standardize(standardizer, extractor.vector(h.history()));
                segment = nearest.nearest(z);
                distance = nearest.distance(segment, z);
                segmentSizes.merge(segment, 1L, Long::sum);
            }
            List<PendingTriggerRow> userCarts = carts.getOrDefault(u, List.of());
            UserProfile p = profiles.get(u);
            Suppression sup = suppressions.get(u);
            GuardrailRow g = guardrails.get(u);
            rows.add(new UserRow(
                    u,
                    segment,
                    distance,
                    h == null ? 0 : h.history().totalSessions(),
                    h == null
                            ? null
                            : Instant.ofEpochMilli(h.history().lastSessionEnd()).toString(),
                    seen.getOrDefault(u, 0),
                    userCarts.size(),
                    userCarts.stream().mapToLong(PendingTriggerRow::dueAt).min().stream()
                            .mapToObj(t -> Instant.ofEpochMilli(t).toString())
                            .findFirst()
                            .orElse(null),
                    p != null,
                    p == null ? null : p.consent(),
                    p == null ? null : p.locale(),
                    sup == null ? null : sup.reason(),
                    g == null ? 0 : g.deferred().size()));
        }

        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("users", users.size());
        stats.put("profiles", c.profiles().size());
        stats.put("suppressions", c.suppressions().size());
        stats.put(
                "requestsWaitingForContacts",
                c.contacts().stream()
                        .mapToLong(StateReaders.ContactRow::requestsWaiting)
                        .sum());
        stats.put("usersWithSeenEventIds", c.seenIds().size());
        stats.put("seenEventIds", c.seenIds().stream().mapToLong(SeenIds::count).sum());
        stats.put(
                "seenEventIdSweepsWithoutTimer",
                c.seenIds().stream()
                        .filter(s -> s.count() > 0 && !s.sweepTimerRegistered())
                        .count());
        stats.put("pendingTriggers", c.pendingTriggers().size());
        stats.put(
                "pendingTriggersWithoutTimer",
                c.pendingTriggers().stream().filter(p -> !p.timerRegistered()).count());
        stats.put(
                "pendingTriggersByCampaign",
                c.pendingTriggers().stream()
                        .collect(Collectors.groupingBy(
                                p -> p.pending().campaignId(), TreeMap::new, Collectors.counting())));
        stats.put(
                "publishedCampaigns",
                c.campaigns().stream()
                        .map(d -> d.id() + " v" + d.version())
                        .sorted()
                        .toList());
        stats.put(
                "guardrailSendLogEntries",
                c.guardrails().stream().mapToLong(g -> g.sent().size()).sum());
        stats.put(
                "deferredSends",
                c.guardrails().stream().mapToLong(g -> g.deferred().size()).sum());
        stats.put(
                "deferredSendsWithoutTimer",
                c.guardrails().stream()
                        .mapToLong(g -> g.deferred().stream()
                                .filter(d -> !d.timerRegistered())
                                .count())
                        .sum());
        stats.put("featureHistories", c.histories().size());
        stats.put("standardizerCount", standardizer.count());
        stats.put("kmeansVersion", kmeans == null ? null : kmeans.version());
        stats.put(
                "kmeansServingVersion",
                c.kmeansServing() == null ? null : c.kmeansServing().version());
        stats.put("segmentSizes", segmentSizes);
        stats.put("propensityTrainedVersion", c.ftrl() == null ? null : c.ftrl().version());
        stats.put("propensityExamples", c.ftrl() == null ? null : c.ftrl().examples());
        stats.put(
                "propensityServingVersion",
                c.propensityServing() == null ? null : c.propensityServing().version());
        return new SavepointReport(stats, rows);
    }

    /** The per-user rows as CSV with a header line. */
    public String csv() {
        StringBuilder sb = new StringBuilder(
                "userId,segment,segmentDistance,sessions,lastSessionEnd,seenEventIds,pendingTriggers,nextTriggerDue,profile,consent,locale,"
                        + "suppressed,deferredSends\n");
        for (UserRow r : users) {
            sb.append(String.join(
                            ",",
                            cell(r.userId()),
                            cell(r.segment()),
                            r.segmentDistance() == null ? "" : String.format(Locale.ROOT, "%.4f", r.segmentDistance()),
                            cell(r.sessions()),
                            cell(r.lastSessionEnd()),
                            cell(r.seenEventIds()),
                            cell(r.pendingTriggers()),
                            cell(r.nextTriggerDue()),
                            cell(r.profile()),
                            cell(r.consent()),
                            cell(r.locale()),
                            cell(r.suppressed()),
                            cell(r.deferredSends())))
                    .append('\n');
        }
        return sb.toString();
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        String s = v.toString();
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
