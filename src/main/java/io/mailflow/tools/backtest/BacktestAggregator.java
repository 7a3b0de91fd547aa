package io.mailflow.tools.backtest;

import io.mailflow.feedback.Lift;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.DryRunDecision;
import io.mailflow.model.SessionSummary;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.segmentation.SegmentAssignment;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns a backtest's decisions, dead letters, sessions, segments and scores into a {@link BacktestSummary}.
 * Plain Java (no Flink), deterministic for the same inputs in any order.
 *
 * <p>Attribution: a user e-mailed (or held out) at {@code t} converts when one of their sessions with a purchase
 * ends in {@code (t, t + window]}. In history that never saw these e-mails, the e-mailed group's conversions are
 * what those users did anyway, so the lift over the randomly assigned holdout is expected to be zero: a non-zero
 * interval says the holdout is unbalanced. Where the history contains the campaign's real sends (a Kafka window
 * in which it ran live), it is the lift the campaign had.
 */
public final class BacktestAggregator {
    /** Rendered e-mails shown as samples. */
    public static final int SAMPLES = 5;

    private static final String GLOBAL_CONTROL = "global-control";
    private static final Pattern ADDRESS = Pattern.compile("\\S+@\\S+");
    private static final int MAX_REASON = 160;

    private BacktestAggregator() {}

    public static BacktestSummary summarize(
            String source,
            long inputRecords,
            List<DryRunDecision> decisions,
            List<DeadLetter> deadLetters,
            List<String> importRejections,
            List<SessionSummary> sessions,
            List<SegmentAssignment> segments,
            List<PropensityScore> scores,
            long attributionWindowMs) {
        List<DryRunDecision> sorted = new ArrayList<>(decisions);
        sorted.sort(Comparator.comparingLong(DryRunDecision::at)
                .thenComparing(DryRunDecision::requestId)
                .thenComparing(d -> d.decision().ordinal()));

        Map<String, long[]> rows = new TreeMap<>(); // campaign/variant -> emails, holdouts, deferrals, drops
        SortedMap<String, SortedMap<String, Long>> perDay = new TreeMap<>();
        SortedMap<String, Long> deferrals = new TreeMap<>();
        SortedMap<String, Long> drops = new TreeMap<>();
        Map<String, DryRunDecision> last = new HashMap<>(); // request -> its latest decision
        for (DryRunDecision d : sorted) {
            String key = d.campaignId() + "/" + d.variant();
            long[] r = rows.computeIfAbsent(key, k -> new long[4]);
            switch (d.decision()) {
                case SEND -> {
                    r[0]++;
                    String day = Instant.ofEpochMilli(d.at())
                            .atZone(ZoneOffset.UTC)
                            .toLocalDate()
                            .toString();
                    perDay.computeIfAbsent(day, k -> new TreeMap<>()).merge(key, 1L, Long::sum);
                }
                case HOLDOUT -> r[1]++;
                case DEFER -> {
                    r[2]++;
                    deferrals.merge(clean(d.reason()), 1L, Long::sum);
                }
                case DROP -> {
                    r[3]++;
                    drops.merge(clean(d.reason()), 1L, Long::sum);
                }
            }
            last.put(d.requestId(), d);
        }
        Map<String, Long> deferredAtEnd = new HashMap<>();
        for (DryRunDecision d : last.values()) {
            if (d.decision() == DryRunDecision.Kind.DEFER) {
                deferredAtEnd.merge(d.campaignId() + "/" + d.variant(), 1L, Long::sum);
            }
        }
        List<BacktestSummary.CampaignRow> campaignRows = new ArrayList<>();
        rows.forEach((key, r) -> {
            int slash = key.indexOf('/');
            campaignRows.add(new BacktestSummary.CampaignRow(
                    key.substring(0, slash),
                    key.substring(slash + 1),
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    deferredAtEnd.getOrDefault(key, 0L)));
        });

        SortedMap<String, Long> dead = new TreeMap<>();
        for (DeadLetter l : deadLetters) {
            dead.merge(l.stage() + ": " + clean(l.reason()), 1L, Long::sum);
        }
        for (String r : importRejections) {
            // "line N: reason": grouped by the reason
            int colon = r.indexOf(": ");
            dead.merge("import: " + clean(colon > 0 ? r.substring(colon + 2) : r), 1L, Long::sum);
        }

        // the recipients' segment and score as of each e-mail
        Map<String, TreeMap<Long, Integer>> segmentsByUser = new HashMap<>();
        for (SegmentAssignment s : segments) {
            segmentsByUser.computeIfAbsent(s.userId(), k -> new TreeMap<>()).put(s.asOf(), s.segment());
        }
        Map<String, TreeMap<Long, Double>> scoresByUser = new HashMap<>();
        for (PropensityScore s : scores) {
            scoresByUser.computeIfAbsent(s.userId(), k -> new TreeMap<>()).put(s.timestamp(), s.score());
        }
        SortedMap<String, Long> segmentCounts = new TreeMap<>();
        long[] bins = new long[10];
        long unscored = 0;
        List<BacktestSummary.Sample> samples = new ArrayList<>();
        for (DryRunDecision d : sorted) {
            if (d.decision() != DryRunDecision.Kind.SEND) {
                continue;
            }
            Integer seg = asOf(segmentsByUser.get(d.userId()), d.at());
            segmentCounts.merge(seg == null ? "unknown" : "segment " + seg, 1L, Long::sum);
            Double score = asOf(scoresByUser.get(d.userId()), d.at());
            if (score == null || score.isNaN()) {
                unscored++;
            } else {
                bins[Math.min(9, Math.max(0, (int) Math.floor(score * 10)))]++;
            }
            if (samples.size() < SAMPLES) {
                samples.add(new BacktestSummary.Sample(
                        d.requestId(),
                        d.campaignId(),
                        d.variant(),
                        d.userId(),
                        d.at(),
                        clean(d.subject()),
                        DryRunDecision.excerptOf(d.excerpt())));
            }
        }

        long first = sessions.stream().mapToLong(SessionSummary::start).min().orElse(0L);
        long lastEvent = sessions.stream().mapToLong(SessionSummary::end).max().orElse(0L);
        List<BacktestSummary.Outcome> outcomes = outcomes(sorted, sessions, attributionWindowMs);
        return new BacktestSummary(
                source,
                inputRecords,
                first,
                lastEvent,
                campaignRows,
                perDay,
                deferrals,
                drops,
                dead,
                deadLetters.size() + importRejections.size(),
                segmentCounts,
                bins,
                unscored,
                samples,
                outcomes,
                attributionWindowMs);
    }

    /** Conversions per campaign and variant against the campaign's holdout; empty when nobody purchased. */
    static List<BacktestSummary.Outcome> outcomes(
            List<DryRunDecision> sorted, List<SessionSummary> sessions, long windowMs) {
        Map<String, List<Long>> purchases = new HashMap<>();
        for (SessionSummary s : sessions) {
            if (s.purchases() > 0) {
                purchases.computeIfAbsent(s.userId(), k -> new ArrayList<>()).add(s.end());
            }
        }
        if (purchases.isEmpty()) {
            return List.of();
        }
        // each user counts once per group, from their first decision (sorted by time)
        Map<String, Map<String, Long>> mailed = new TreeMap<>(); // campaign/variant -> user -> at
        Map<String, Map<String, Long>> held = new TreeMap<>(); // campaign -> user -> at
        for (DryRunDecision d : sorted) {
            if (d.decision() == DryRunDecision.Kind.SEND) {
                mailed.computeIfAbsent(d.campaignId() + "/" + d.variant(), k -> new HashMap<>())
                        .putIfAbsent(d.userId(), d.at());
            } else if (d.decision() == DryRunDecision.Kind.HOLDOUT && !GLOBAL_CONTROL.equals(d.variant())) {
                held.computeIfAbsent(d.campaignId(), k -> new HashMap<>()).putIfAbsent(d.userId(), d.at());
            }
        }
        Set<String> campaigns = new HashSet<>(held.keySet());
        List<BacktestSummary.Outcome> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Long>> e : mailed.entrySet()) {
            int slash = e.getKey().indexOf('/');
            String campaign = e.getKey().substring(0, slash);
            campaigns.remove(campaign);
            long x1 = converted(e.getValue(), purchases, windowMs);
            Map<String, Long> h = held.getOrDefault(campaign, Map.of());
            long x2 = converted(h, purchases, windowMs);
            Lift lift = h.isEmpty() ? null : Lift.of(x1, e.getValue().size(), x2, h.size());
            out.add(new BacktestSummary.Outcome(
                    campaign, e.getKey().substring(slash + 1), e.getValue().size(), x1, h.size(), x2, lift));
        }
        for (String c : new TreeMap<>(held).keySet()) {
            if (campaigns.contains(c)) { // a campaign that only held out
                Map<String, Long> h = held.get(c);
                out.add(new BacktestSummary.Outcome(
                        c, "(none)", 0, 0, h.size(), converted(h, purchases, windowMs), null));
            }
        }
        return out;
    }

    private static long converted(Map<String, Long> users, Map<String, List<Long>> purchases, long windowMs) {
        long n = 0;
        for (Map.Entry<String, Long> u : users.entrySet()) {
            long t = u.getValue();
            for (long p : purchases.getOrDefault(u.getKey(), List.of())) {
                if (p > t && p - t <= windowMs) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private static <V> V asOf(TreeMap<Long, V> history, long at) {
        if (history == null) {
            return null;
        }
        Map.Entry<Long, V> e = history.floorEntry(at);
        return e == null ? null : e.getValue();
    }

    /** A reason or subject for the report: no address, bounded. */
    static String clean(String s) {
        if (s == null || s.isBlank()) {
            return "(none)";
        }
        String c = ADDRESS.matcher(s).replaceAll("[address]");
        return c.length() > MAX_REASON ? c.substring(0, MAX_REASON) + "..." : c;
    }
}
