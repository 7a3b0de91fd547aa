package io.mailflow.recommendations;

import io.mailflow.model.Recommendation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Next-item evaluation on YOOCHOOSE (RecSys Challenge 2015) with the protocol of the session-rec evaluations
 * (Ludewig and Jannach): for every test session and every position {@code p >= 1}, each method ranks 20 items
 * from the prefix {@code [0, p)} and the click at {@code p} is the target; HR@k counts targets among the first
 * {@code k}, MRR@k averages {@code 1 / rank} (0 beyond {@code k}), both over all predictions. Test items not in
 * the train part are dropped first, then test sessions shorter than 2. A method that ranks fewer than 20 items
 * simply misses (no tie-breaking by score 0).
 *
 * <p>Methods: popularity (the 20 most clicked items of the train part); recency only (the session's items,
 * the latest first); a batch item-kNN (cosine {@code |S(i) n S(j)| / sqrt(|S(i)| |S(j)|)} over the sets of
 * train sessions, neighbours of the last clicked item, as session-rec's IKNN); and the job's own learner:
 * {@link CoOccurrence}, {@link SessionKnn} and the popular list learned online, session by session in order of
 * session end, with the job's default bounds, then ranked by {@link Recommender} with the blend weights tuned
 * on a validation split carved from the train part (its last day: sessions that ended within a day of the
 * train part's last click; the model is learned on the rest). The test split is never used for tuning. The
 * learner is also scored as it would keep running through the test day ({@link #scoreOnline}). The batch
 * item-kNN's lists are also ranked by {@link Recommender} in place of the learned ones, a stricter reference.
 *
 * <p>Intervals: 95 % percentile bootstrap over test sessions (1,000 resamples, seed 15), also for the
 * differences between the job's learner and the batch item-kNN on the same resamples.
 */
public final class SessionRecEvaluation {
    static final int K = 20;
    static final long HALF_LIFE = Duration.ofDays(7).toMillis();
    static final long PUBLISH_INTERVAL = Duration.ofMinutes(1).toMillis();
    /** The job's defaults: session.max-items, recommendations.max-candidates and recommendations.neighbours. */
    static final int SESSION_ITEMS = 20;

    static final int MAX_CANDIDATES = 100;
    /** The job's default recommendations.knn.sessions-per-item. */
    static final int SESSIONS_PER_ITEM = 200;

    static final int NEIGHBOURS = 20;
    static final double[] RECENCY_GRID = {0.0, 0.25, 0.5, 1.0, 2.0, 4.0};
    static final double[] KNN_GRID = {0.0, 0.5, 1.0, 2.0, 4.0, 8.0};

    /** One session's clicks in time order. */
    public record Session(long id, List<String> clicks, List<Long> times, long end) {}

    /** A ranking method: the prefix of a session (clicks, oldest first) to its ranked items. */
    interface Method extends Function<List<String>, List<String>> {}

    /** Per test session: predictions, hits and reciprocal ranks at 10 and 20. */
    public record Scores(double[] n, double[] hit10, double[] hit20, double[] rr10, double[] rr20) {
        static double ratio(double[] x, double[] n, int[] pick) {
            double a = 0;
            double b = 0;
            for (int i : pick) {
                a += x[i];
                b += n[i];
            }
            return b == 0 ? 0 : a / b;
        }

        double[] metrics(int[] pick) {
            return new double[] {
                ratio(hit10, n, pick), ratio(hit20, n, pick), ratio(rr10, n, pick), ratio(rr20, n, pick)
            };
        }

        long predictions() {
            long s = 0;
            for (double x : n) {
                s += (long) x;
            }
            return s;
        }
    }

    /** A metric's value and its 95 % bootstrap interval. */
    public record Interval(double value, double low, double high) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", value, low, high);
        }
    }

    /** Everything the report shows. */
    public record Result(
            int trainSessions,
            int testSessions,
            long predictions,
            int validationSessions,
            double recencyWeight,
            double knnWeight,
            List<String> validationGrid,
            List<String> cellsNearBest,
            double validationHalfWidth,
            int indexedSessions,
            int indexedItems,
            int itemsOverCap,
            Map<String, Interval[]> methods,
            Interval[] learnerMinusBatch,
            Interval[] learnerMinusBatchBlended,
            double batchRecencyWeight,
            boolean sampled) {

        Interval get(String method, int metric) {
            return methods.get(method)[metric];
        }
    }

    static final String POPULARITY = "popularity";
    static final String RECENCY = "recency only (the session's items, latest first)";
    static final String BATCH = "batch item-kNN (cosine, last item; computed in the test)";
    static final String BATCH_BLENDED =
            "batch item-kNN lists in the job's ranking (all prefix items by recency, recent items weighted by validation)";
    static final String ONLINE =
            "job learner, learning on through the test day (each test session once closed, 30 min after its last click)";
    static final String COOC = "job learner without session-kNN (co-occurrence + recency, the ranking before)";
    static final String LEARNER = "**job learner** (co-occurrence + session-kNN + recency, streaming)";

    private SessionRecEvaluation() {}

    public static List<Session> read(Path file) throws IOException {
        Map<Long, List<String[]>> rows = new LinkedHashMap<>();
        try (var lines = Files.lines(file)) {
            lines.skip(1).forEach(l -> {
                String[] f = l.split("\t");
                rows.computeIfAbsent(Long.parseLong(f[0]), k -> new ArrayList<>())
                        .add(f);
            });
        }
        List<Session> out = new ArrayList<>();
        for (Map.Entry<Long, List<String[]>> e : rows.entrySet()) {
            List<String[]> r = e.getValue();
            r.sort(Comparator.comparingDouble(a -> Double.parseDouble(a[2])));
            List<String> clicks = new ArrayList<>();
            List<Long> times = new ArrayList<>();
            for (String[] a : r) {
                clicks.add(a[1]);
                times.add(Math.round(Double.parseDouble(a[2]) * 1000));
            }
            out.add(new Session(e.getKey(), clicks, times, times.get(times.size() - 1)));
        }
        return out;
    }

    /** Test sessions with items unknown to {@code train} removed, then those shorter than 2 dropped. */
    static List<Session> restrict(List<Session> test, List<Session> train) {
        Set<String> known = new HashSet<>();
        train.forEach(s -> known.addAll(s.clicks()));
        List<Session> out = new ArrayList<>();
        for (Session s : test) {
            List<String> c = new ArrayList<>();
            List<Long> t = new ArrayList<>();
            for (int i = 0; i < s.clicks().size(); i++) {
                if (known.contains(s.clicks().get(i))) {
                    c.add(s.clicks().get(i));
                    t.add(s.times().get(i));
                }
            }
            if (c.size() >= 2) {
                out.add(new Session(s.id(), c, t, s.end()));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- the job's learner, fed as the job feeds it

    /** The trainer's models, learned online through the operator's own classes, frozen at the end of training. */
    static final class Learner {
        final CoOccurrence cooc = new CoOccurrence(HALF_LIFE, MAX_CANDIDATES);
        final SessionKnn knn =
                new SessionKnn(SESSIONS_PER_ITEM, 200_000, Duration.ofDays(30).toMillis(), HALF_LIFE);
        final SessionKnn.MemoryStore store = SessionKnn.inMemory();
        final Map<String, ItemCounts> items = new HashMap<>();
        DecayedCounts popular = DecayedCounts.empty(0);
        long now = Long.MIN_VALUE;
        final Map<String, RecoList> published = new HashMap<>();
        /** Items seen in more indexed sessions than the index keeps per item. */
        int itemsOverCap;

        private long nextPublication = Long.MIN_VALUE;
        private final Map<String, Integer> indexed = new HashMap<>();

        Learner(List<Session> train) throws Exception {
            List<Session> ordered = new ArrayList<>(train);
            ordered.sort(Comparator.comparingLong(Session::end).thenComparingLong(Session::id));
            for (Session s : ordered) {
                learn(s);
            }
            knn.evict(store, now);
            itemsOverCap = (int)
                    indexed.values().stream().filter(c -> c > SESSIONS_PER_ITEM).count();
        }

        /** One closed session, learned as the trainer learns it. */
        void learn(Session s) throws Exception {
            if (s.end() >= nextPublication) {
                knn.evict(store, s.end()); // the trainer evicts at each publication
                nextPublication = (Math.floorDiv(s.end(), PUBLISH_INTERVAL) + 1) * PUBLISH_INTERVAL;
            }
            // the session stage keeps the last session.max-items items; the trainer takes them distinct
            List<String> si =
                    CoOccurrence.distinct(CoOccurrence.distinct(s.clicks(), SESSION_ITEMS), 3 * SESSION_ITEMS);
            for (String item : si) {
                items.put(item, cooc.observe(items.get(item), item, si, s.end()));
            }
            knn.learn(store, si, s.end());
            if (si.size() >= 2) {
                si.forEach(i -> indexed.merge(i, 1, Integer::sum));
            }
            popular = popular.add(RecommendationTrainer.popularity(si, List.of()), s.end(), HALF_LIFE, 4 * NEIGHBOURS);
            now = Math.max(now, s.end());
        }

        /** A new publication as of {@code at}: lists are recomputed from the model when next asked for. */
        void publish(long at) {
            published.clear();
            now = Math.max(now, at);
        }

        /** The published list under {@code key} as of the end of training (what the trigger operator holds). */
        RecoList list(String key) {
            return published.computeIfAbsent(key, k -> {
                try {
                    if (k.equals(RecoList.POPULAR)) {
                        return popular.top(k, NEIGHBOURS, 0, now);
                    }
                    String item = k.substring(k.indexOf(':') + 1);
                    if (!items.containsKey(item)) {
                        return null;
                    }
                    if (k.startsWith("item:")) {
                        return cooc.neighbours(
                                items.get(item), o -> cooc.weightAt(items.get(o), now), NEIGHBOURS, 0, now);
                    }
                    return knn.neighbours(store, item, o -> cooc.weightAt(items.get(o), now), NEIGHBOURS, 0, now);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        Method ranking(Recommender r) {
            return prefix -> {
                List<String> context = new ArrayList<>();
                for (String c : prefix) {
                    context.remove(c);
                    context.add(c);
                }
                List<String> out = new ArrayList<>();
                for (Recommendation x : r.recommend(context, List.of(), this::list, null, List.of(), K)) {
                    out.add(x.itemId());
                }
                return out;
            };
        }
    }

    // ---------------------------------------------------------------- baselines

    static Method popularity(List<Session> train) {
        Map<String, Integer> count = new HashMap<>();
        train.forEach(s -> s.clicks().forEach(c -> count.merge(c, 1, Integer::sum)));
        List<String> top = top(count.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (double) e.getValue()))
                .toList());
        return prefix -> top;
    }

    static Method recency() {
        return prefix -> {
            List<String> out = new ArrayList<>();
            for (int i = prefix.size() - 1; i >= 0 && out.size() < K; i--) {
                if (!out.contains(prefix.get(i))) {
                    out.add(prefix.get(i));
                }
            }
            return out;
        };
    }

    /** Batch item-kNN over the whole train part: cosine of session sets (session-rec's IKNN). */
    static final class BatchKnn {
        private final Map<String, List<Integer>> sessionsOf = new HashMap<>();
        private final List<Set<String>> sets = new ArrayList<>();
        private final Map<String, RecoList> cache = new HashMap<>();

        BatchKnn(List<Session> train) {
            for (Session s : train) {
                Set<String> set = new HashSet<>(s.clicks());
                int n = sets.size();
                sets.add(set);
                set.forEach(i ->
                        sessionsOf.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
            }
        }

        /** The item's 20 nearest by cosine (ties by id), or null if the train part lacks it. */
        RecoList list(String item) {
            return cache.computeIfAbsent(item, last -> {
                List<Integer> mine = sessionsOf.get(last);
                if (mine == null) {
                    return null;
                }
                Map<String, Integer> co = new HashMap<>();
                for (int s : mine) {
                    for (String j : sets.get(s)) {
                        if (!j.equals(last)) {
                            co.merge(j, 1, Integer::sum);
                        }
                    }
                }
                List<Map.Entry<String, Double>> sims = new ArrayList<>();
                co.forEach((j, c) -> sims.add(Map.entry(
                        j,
                        c / Math.sqrt((double) mine.size() * sessionsOf.get(j).size()))));
                sims.sort(Map.Entry.<String, Double>comparingByValue()
                        .reversed()
                        .thenComparing(Map.Entry.comparingByKey()));
                int m = Math.min(K, sims.size());
                List<String> items = new ArrayList<>(m);
                double[] scores = new double[m];
                for (int i = 0; i < m; i++) {
                    items.add(sims.get(i).getKey());
                    scores[i] = sims.get(i).getValue();
                }
                return new RecoList(RecoList.itemKey(last), items, scores, 0, 0);
            });
        }

        /** Neighbours of the last click only, as session-rec's IKNN ranks. */
        Method lastItem() {
            return prefix -> {
                RecoList r = list(prefix.get(prefix.size() - 1));
                return r == null ? List.of() : r.items();
            };
        }

        /**
         * The same lists in the job's ranking instead of the learned ones: {@link Recommender} with only these
         * as neighbours (weight 1) and the recent items by {@code recencyWeight}, nothing else.
         */
        Method blended(double recencyWeight) {
            Recommender r = new Recommender(0, 0, recencyWeight, 0);
            return prefix -> {
                List<String> context = new ArrayList<>();
                for (String c : prefix) {
                    context.remove(c);
                    context.add(c);
                }
                List<String> out = new ArrayList<>();
                Function<String, RecoList> model = k -> k.startsWith("item:") ? list(k.substring(5)) : null;
                for (Recommendation x : r.recommend(context, List.of(), model, null, List.of(), K)) {
                    out.add(x.itemId());
                }
                return out;
            };
        }
    }

    private static List<String> top(List<Map.Entry<String, Double>> scored) {
        List<Map.Entry<String, Double>> s = new ArrayList<>(scored);
        s.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(K, s.size()); i++) {
            out.add(s.get(i).getKey());
        }
        return out;
    }

    // ---------------------------------------------------------------- protocol and intervals

    static Scores score(Method m, List<Session> test) {
        int n = test.size();
        Scores sc = new Scores(new double[n], new double[n], new double[n], new double[n], new double[n]);
        for (int s = 0; s < n; s++) {
            List<String> clicks = test.get(s).clicks();
            for (int p = 1; p < clicks.size(); p++) {
                List<String> ranked = m.apply(clicks.subList(0, p));
                int rank = ranked.indexOf(clicks.get(p)) + 1;
                sc.n()[s]++;
                if (rank > 0 && rank <= 20) {
                    sc.hit20()[s]++;
                    sc.rr20()[s] += 1.0 / rank;
                }
                if (rank > 0 && rank <= 10) {
                    sc.hit10()[s]++;
                    sc.rr10()[s] += 1.0 / rank;
                }
            }
        }
        return sc;
    }

    /** The job's default session.gap: a session closes (and is learned) this long after its last click. */
    static final long GAP = Duration.ofMinutes(30).toMillis();

    /**
     * The learner as the job keeps running it through the test day: every click of the test split in time
     * order; a test session is learned once event time passes its last click + the session gap, and the lists
     * are republished at each publication boundary after that. Only closed sessions are ever learned, so no
     * prediction sees its own session's future.
     */
    static Scores scoreOnline(Learner l, Recommender r, List<Session> test) throws Exception {
        int n = test.size();
        Scores sc = new Scores(new double[n], new double[n], new double[n], new double[n], new double[n]);
        List<long[]> clicks = new ArrayList<>(); // {time, session index, position}
        for (int s = 0; s < n; s++) {
            for (int p = 0; p < test.get(s).clicks().size(); p++) {
                clicks.add(new long[] {test.get(s).times().get(p), s, p});
            }
        }
        clicks.sort(Comparator.<long[]>comparingLong(c -> c[0])
                .thenComparingLong(c -> c[1])
                .thenComparingLong(c -> c[2]));
        List<Session> closing = new ArrayList<>(test);
        closing.sort(Comparator.comparingLong(Session::end).thenComparingLong(Session::id));
        int next = 0;
        long due = Long.MAX_VALUE; // the publication boundary after the last session learned
        Method m = l.ranking(r);
        for (long[] c : clicks) {
            while (next < closing.size() && closing.get(next).end() + GAP <= c[0]) {
                Session done = closing.get(next++);
                l.learn(done);
                long boundary = (Math.floorDiv(done.end() + GAP, PUBLISH_INTERVAL) + 1) * PUBLISH_INTERVAL;
                due = Math.min(due, boundary);
            }
            if (c[0] >= due) {
                l.publish(Math.floorDiv(c[0], PUBLISH_INTERVAL) * PUBLISH_INTERVAL);
                due = Long.MAX_VALUE;
            }
            int s = (int) c[1];
            int p = (int) c[2];
            if (p > 0) {
                List<String> all = test.get(s).clicks();
                record(sc, s, m.apply(all.subList(0, p)).indexOf(all.get(p)) + 1);
            }
        }
        return sc;
    }

    private static void record(Scores sc, int s, int rank) {
        sc.n()[s]++;
        if (rank > 0 && rank <= 20) {
            sc.hit20()[s]++;
            sc.rr20()[s] += 1.0 / rank;
        }
        if (rank > 0 && rank <= 10) {
            sc.hit10()[s]++;
            sc.rr10()[s] += 1.0 / rank;
        }
    }

    static final int RESAMPLES = 1000;

    /** Metric values with intervals, for each method and for (first - second) of the two methods named. */
    static Map<String, Interval[]> bootstrap(Map<String, Scores> scores, String a, String b, String c) {
        int n = scores.values().iterator().next().n().length;
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        Map<String, double[][]> draws = new LinkedHashMap<>();
        scores.keySet().forEach(k -> draws.put(k, new double[4][RESAMPLES]));
        double[][] diff = new double[4][RESAMPLES];
        double[][] diff2 = new double[4][RESAMPLES];
        Random rnd = new Random(15);
        int[] pick = new int[n];
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < n; i++) {
                pick[i] = rnd.nextInt(n);
            }
            for (Map.Entry<String, Scores> e : scores.entrySet()) {
                double[] m = e.getValue().metrics(pick);
                for (int j = 0; j < 4; j++) {
                    draws.get(e.getKey())[j][r] = m[j];
                }
            }
            for (int j = 0; j < 4; j++) {
                diff[j][r] = draws.get(a)[j][r] - draws.get(b)[j][r];
                diff2[j][r] = draws.get(a)[j][r] - draws.get(c)[j][r];
            }
        }
        Map<String, Interval[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Scores> e : scores.entrySet()) {
            double[] m = e.getValue().metrics(all);
            out.put(e.getKey(), intervals(m, draws.get(e.getKey())));
        }
        double[] ma = scores.get(a).metrics(all);
        double[] mb = scores.get(b).metrics(all);
        double[] mc = scores.get(c).metrics(all);
        double[] d = new double[4];
        double[] d2 = new double[4];
        for (int j = 0; j < 4; j++) {
            d[j] = ma[j] - mb[j];
            d2[j] = ma[j] - mc[j];
        }
        out.put("difference", intervals(d, diff));
        out.put("difference2", intervals(d2, diff2));
        return out;
    }

    private static Interval[] intervals(double[] value, double[][] draws) {
        Interval[] out = new Interval[4];
        for (int j = 0; j < 4; j++) {
            double[] x = draws[j].clone();
            java.util.Arrays.sort(x);
            out[j] = new Interval(value[j], x[(int) (0.025 * RESAMPLES)], x[(int) (0.975 * RESAMPLES) - 1]);
        }
        return out;
    }

    // ---------------------------------------------------------------- the whole evaluation

    /**
     * @param testSample at most this many test sessions (a seeded sample) or all if {@code <= 0}; the
     *     validation sessions are sampled alike
     */
    public static Result evaluate(Path trainFile, Path testFile, int testSample) throws Exception {
        List<Session> train = read(trainFile);
        // validation: the train part's last day, learned from the rest (session-rec's own way to tune)
        long last = train.stream().mapToLong(Session::end).max().orElseThrow();
        List<Session> fit = train.stream()
                .filter(s -> s.end() <= last - Duration.ofDays(1).toMillis())
                .toList();
        List<Session> valid = restrict(
                train.stream()
                        .filter(s -> s.end() > last - Duration.ofDays(1).toMillis())
                        .toList(),
                fit);
        valid = sample(valid, testSample);
        Learner tuning = new Learner(fit);
        double bestMrr = -1;
        double bestRecency = Recommender.DEFAULT_RECENCY_WEIGHT;
        double bestKnn = Recommender.DEFAULT_KNN_WEIGHT;
        List<String> grid = new ArrayList<>();
        List<Double> cells = new ArrayList<>();
        List<String> cellNames = new ArrayList<>();
        Scores bestCell = null;
        for (double rw : RECENCY_GRID) {
            for (double kw : KNN_GRID) {
                Scores cell = score(tuning.ranking(Recommender.defaults().withBlend(rw, kw)), valid);
                double[] m = cell.metrics(range(valid.size()));
                cellNames.add(String.format(Locale.ROOT, "(%.2f, %.2f)", rw, kw));
                grid.add(String.format(Locale.ROOT, "| %.2f | %.2f | %.3f | %.3f |", rw, kw, m[1], m[3]));
                cells.add(m[3]);
                if (m[3] > bestMrr + 1e-12) {
                    bestCell = cell;
                    bestMrr = m[3];
                    bestRecency = rw;
                    bestKnn = kw;
                }
            }
        }

        // the batch item-kNN in the same ranking gets its own recency weight, tuned the same way
        BatchKnn batchFit = new BatchKnn(fit);
        double batchRecency = RECENCY_GRID[0];
        double batchBest = -1;
        for (double rw : RECENCY_GRID) {
            double m = score(batchFit.blended(rw), valid).metrics(range(valid.size()))[3];
            if (m > batchBest + 1e-12) {
                batchBest = m;
                batchRecency = rw;
            }
        }

        List<Session> test = restrict(read(testFile), train);
        boolean sampled = testSample > 0 && testSample < test.size();
        test = sample(test, testSample);
        Learner learner = new Learner(train);
        int indexedSessions = learner.store.sessionCount();
        int indexedItems = learner.store.itemCount();
        double finalBest = bestMrr;
        Map<String, Scores> scores = new LinkedHashMap<>();
        scores.put(POPULARITY, score(popularity(train), test));
        scores.put(RECENCY, score(recency(), test));
        BatchKnn batch = new BatchKnn(train);
        scores.put(BATCH, score(batch.lastItem(), test));
        scores.put(BATCH_BLENDED, score(batch.blended(batchRecency), test));
        scores.put(COOC, score(learner.ranking(Recommender.defaults().withBlend(bestRecency, 0.0)), test));
        scores.put(LEARNER, score(learner.ranking(Recommender.defaults().withBlend(bestRecency, bestKnn)), test));
        // last: it goes on learning, so the frozen rows above must be scored first
        scores.put(ONLINE, scoreOnline(learner, Recommender.defaults().withBlend(bestRecency, bestKnn), test));
        Map<String, Interval[]> m = bootstrap(scores, LEARNER, BATCH, BATCH_BLENDED);
        Interval[] diff = m.remove("difference");
        Interval[] diff2 = m.remove("difference2");
        return new Result(
                train.size(),
                test.size(),
                scores.get(POPULARITY).predictions(),
                valid.size(),
                bestRecency,
                bestKnn,
                grid,
                java.util.stream.IntStream.range(0, cells.size())
                        .filter(c -> cells.get(c) >= finalBest - 0.005)
                        .mapToObj(cellNames::get)
                        .toList(),
                halfWidth(bestCell),
                indexedSessions,
                indexedItems,
                learner.itemsOverCap,
                m,
                diff,
                diff2,
                batchRecency,
                sampled);
    }

    /** Whether the target holds: within 0.02 of the batch item-kNN on HR@20 and MRR@20, and >= 10x popularity. */
    public static boolean withinTarget(Result r) {
        return r.get(LEARNER, 1).value() >= r.get(BATCH, 1).value() - 0.02
                && r.get(LEARNER, 3).value() >= r.get(BATCH, 3).value() - 0.02
                && r.get(LEARNER, 1).value() >= 10 * r.get(POPULARITY, 1).value()
                && r.get(LEARNER, 3).value() >= 10 * r.get(POPULARITY, 3).value();
    }

    public static String report(Result r, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Next-item recommendation on YOOCHOOSE (RecSys Challenge 2015), session-rec protocol\n\n");
        sb.append("Generated by `io.mailflow.recommendations.SessionRecEvaluation` (rerun: `" + command + "`).\n\n");
        sb.append(String.format(
                Locale.ROOT,
                "Data: `yoochoose-rsc15` as prepared by session-rec (first 100k clicks): %,d train sessions; %,d test"
                        + " sessions%s after dropping test items unknown to the train part and sessions shorter than"
                        + " 2; %,d predictions (every position of every test session after the first). Each method"
                        + " ranks 20 items from the session's prefix; HR@k = share of predictions whose next click is"
                        + " in the first k, MRR@k = mean 1/rank (0 beyond k). In brackets: 95 %% bootstrap intervals"
                        + " over test sessions (1,000 resamples, seed 15).\n\n",
                r.trainSessions(),
                r.testSessions(),
                r.sampled() ? " (a seeded sample)" : " (all of them)",
                r.predictions()));
        sb.append(String.format(
                Locale.ROOT,
                "In short: for the next click in a shopping session, the job's 20 recommendations contain it %.0f %% of"
                        + " the time (the shop's 20 most popular items: %.0f %%; the session's own items alone: %.0f %%),"
                        + " and the session-kNN adds %.0f points to what the co-occurrence model reached with the same"
                        + " recency (%.0f %%).%n%n",
                100 * r.get(LEARNER, 1).value(),
                100 * r.get(POPULARITY, 1).value(),
                100 * r.get(RECENCY, 1).value(),
                100 * (r.get(LEARNER, 1).value() - r.get(COOC, 1).value()),
                100 * r.get(COOC, 1).value()));
        sb.append("| method | HR@10 | HR@20 | MRR@10 | MRR@20 |\n|---|---|---|---|---|\n");
        r.methods()
                .forEach((k, v) -> sb.append(
                        String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", k, v[0], v[1], v[2], v[3])));
        Interval[] d = r.learnerMinusBatch();
        Interval[] d2 = r.learnerMinusBatchBlended();
        sb.append(String.format(
                Locale.ROOT,
                "| job learner - batch item-kNN (paired) | %s | %s | %s | %s |%n",
                d[0],
                d[1],
                d[2],
                d[3]));
        sb.append(String.format(
                Locale.ROOT,
                "| job learner - batch item-kNN lists in the job's ranking (paired) | %s | %s | %s | %s |%n%n",
                d2[0],
                d2[1],
                d2[2],
                d2[3]));
        double popHr = r.get(POPULARITY, 1).value();
        double popMrr = r.get(POPULARITY, 3).value();
        boolean nearBatch = r.get(LEARNER, 1).value() >= r.get(BATCH, 1).value() - 0.02
                && r.get(LEARNER, 3).value() >= r.get(BATCH, 3).value() - 0.02;
        sb.append(String.format(
                Locale.ROOT,
                "**Target**: %s. (1) Within 0.02 of the batch item-kNN (no more than 0.02 below it) on HR@20 and MRR@20: **%s** (HR@20 %.3f vs"
                        + " %.3f, difference %s; MRR@20 %.3f vs %.3f, difference %s). (2) At least 10x popularity:"
                        + " HR@20 %s (**%s**), MRR@20 %s (**%s**).%n%n",
                withinTarget(r) ? "**met**" : "**not met** in full",
                nearBatch ? "met" : "not met",
                r.get(LEARNER, 1).value(),
                r.get(BATCH, 1).value(),
                d[1],
                r.get(LEARNER, 3).value(),
                r.get(BATCH, 3).value(),
                d[3],
                popHr == 0
                        ? "n/a"
                        : String.format(Locale.ROOT, "%.1fx", r.get(LEARNER, 1).value() / popHr),
                r.get(LEARNER, 1).value() >= 10 * popHr ? "met" : "not met",
                popMrr == 0
                        ? "n/a"
                        : String.format(Locale.ROOT, "%.1fx", r.get(LEARNER, 3).value() / popMrr),
                r.get(LEARNER, 3).value() >= 10 * popMrr ? "met" : "not met"));
        boolean close = r.get(LEARNER, 1).value() >= r.get(BATCH_BLENDED, 1).value() - 0.02
                && r.get(LEARNER, 3).value() >= r.get(BATCH_BLENDED, 3).value() - 0.02;
        sb.append(String.format(
                Locale.ROOT,
                "The plain item-kNN ranks only the last click's neighbours and so cannot re-show items of the"
                        + " session, which the recency-only row shows to be a large share of next clicks. A stricter"
                        + " reference puts the batch lists into the job's ranking in place of the learned ones (recent"
                        + " items weighted %.2f, chosen on the same validation split): against it the job learner"
                        + " differs by %s on HR@20 and %s on MRR@20, so within 0.02 of it: **%s**.%n%n",
                r.batchRecencyWeight(),
                d2[1],
                d2[3],
                close ? "yes" : "no"));
        if (r.get(LEARNER, 1).value() < 10 * popHr) {
            sb.append(String.format(
                    Locale.ROOT,
                    "On this extract popularity is a strong baseline (a small catalogue): 10x its HR@20 would be"
                            + " %.3f, above what any method here reaches.%n%n",
                    10 * popHr));
        }
        sb.append(String.format(
                Locale.ROOT,
                "Blend weights: recency %.2f, session-kNN %.2f (co-occurrence 1, popular fill 0.1), chosen by MRR@20"
                        + " on a validation split of the train part only: the sessions that ended in its last day"
                        + " (%,d after the same filtering), with the model learned on the sessions before. The test"
                        + " split played no part in the choice. Validation grid:%n%n",
                r.recencyWeight(),
                r.knnWeight(),
                r.validationSessions()));
        sb.append("| recency weight | session-kNN weight | HR@20 | MRR@20 |\n|---:|---:|---:|---:|\n");
        r.validationGrid().forEach(g -> sb.append(g).append('\n'));
        sb.append(String.format(
                Locale.ROOT,
                "%n%d of the %d cells are within 0.005 of the best validation MRR@20 (recency, session-kNN: %s),"
                        + " differences well inside the noise (the best cell's 95 %% bootstrap interval is +-%.3f): the"
                        + " exact pair is not significant, the region is.%n",
                r.cellsNearBest().size(),
                r.validationGrid().size(),
                String.join(", ", r.cellsNearBest()),
                r.validationHalfWidth()));
        sb.append("\nNotes\n\n");
        sb.append(
                "- The job learner is the trainer's own Flink-free code (`CoOccurrence`, `SessionKnn`, `DecayedCounts`)"
                        + " fed the train sessions one by one in order of session end, with the job's defaults (7-day half-life,"
                        + " 100 co-occurrence candidates, 20 published neighbours per item, 200 sessions per item, 30-day index"
                        + " age, eviction at each 1-minute publication), then frozen (its index then held "
                        + String.format(
                                Locale.ROOT,
                                "%,d sessions and %,d items; of the bounds only the sessions per item bound, for the %d items"
                                        + " seen in more than 200 sessions",
                                r.indexedSessions(),
                                r.indexedItems(),
                                r.itemsOverCap())
                        + "); `Recommender` ranks from the lists it"
                        + " would have published at the end of the train part. The session's prefix is the context (latest"
                        + " last), as the user's recent items are in the job.\n");
        sb.append("- The batch item-kNN sees the whole train part at once, without decay or bounds, and ranks the"
                + " neighbours of the last click only (session-rec's IKNN); the job learner blends all prefix items"
                + " by recency.\n");
        sb.append("- The target is checked on the frozen learner (trained on the train part only, as the protocol"
                + " trains the batch references); the row that learns on through the test day shows what the running"
                + " job would reach, learning each test session only once it has closed.\n");
        sb.append("- Repeated clicks are targets too (the protocol keeps them), which is what the recency-only"
                + " baseline catches.\n");
        sb.append("- This is a short extract (about a week of train, a day of test); the figures say little about"
                + " long-run drift, where the decay and the bounds matter.\n");
        return sb.toString();
    }

    /** Half the width of the 95 % bootstrap interval of MRR@20 (same resampling as the test's). */
    static double halfWidth(Scores s) {
        int n = s.n().length;
        double[] x = new double[RESAMPLES];
        Random rnd = new Random(15);
        int[] pick = new int[n];
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < n; i++) {
                pick[i] = rnd.nextInt(n);
            }
            x[r] = s.metrics(pick)[3];
        }
        java.util.Arrays.sort(x);
        return (x[(int) (0.975 * RESAMPLES) - 1] - x[(int) (0.025 * RESAMPLES)]) / 2;
    }

    /** At most {@code n} sessions, a seeded sample (all if {@code n <= 0}). */
    static List<Session> sample(List<Session> sessions, int n) {
        if (n <= 0 || n >= sessions.size()) {
            return sessions;
        }
        List<Session> shuffled = new ArrayList<>(sessions);
        Collections.shuffle(shuffled, new Random(15));
        return shuffled.subList(0, n);
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
