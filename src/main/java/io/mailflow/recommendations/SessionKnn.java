package io.mailflow.recommendations;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Session-based item-kNN with time decay and position weighting, the math only (no Flink).
 *
 * <p>The model is an index of recent sessions (their items in the order seen) and, per item, the numbers of
 * the last {@code sessionsPerItem} sessions that contained it. The neighbours of an item {@code i} are scored
 * from those sessions: every other item {@code j} of such a session {@code s} gets
 * {@code decay(age of s) * p(i, j, s)}, where {@code p} is {@code 1 / d} if {@code j} came {@code d} places
 * after {@code i} and {@value #BACKWARD} {@code / d} if before (what follows an item predicts the next click
 * better than what preceded it), and the sum is divided by {@code sqrt(n(i) n(j))}, the items' decayed session
 * counts, a cosine so that best-sellers are not everyone's neighbour. Unlike {@link CoOccurrence}, which keeps
 * per item a fixed set of heaviest partners updated pair by pair, this one is recomputed from the raw sessions,
 * so order and recency inside the window are exact.
 *
 * <p>Memory is bounded three ways: at most {@code sessionsPerItem} session numbers per item (the oldest
 * dropped), at most {@code maxSessions} sessions in the index, and none older than {@code maxAgeMs} (both
 * evicted oldest first by {@link #evict}; an item whose sessions are all gone leaves the index). The index holds
 * no user or session ids: sessions are numbered in arrival order.
 */
public final class SessionKnn implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Weight of an item seen before the query item, relative to one seen after it at the same distance. */
    public static final double BACKWARD = 0.5;

    private final int sessionsPerItem;
    private final int maxSessions;
    private final long maxAgeMs;
    private final long halfLifeMs;

    /**
     * Where the index lives: maps in {@link RecommendationTrainer}'s keyed state, or plain maps ({@link
     * #inMemory()}). Absent entries read as null.
     */
    public interface Store {
        KnnSession session(long number) throws Exception;

        void putSession(long number, KnnSession session) throws Exception;

        void removeSession(long number) throws Exception;

        ItemSessions sessionsOf(String item) throws Exception;

        void putSessionsOf(String item, ItemSessions sessions) throws Exception;

        void removeItem(String item) throws Exception;

        KnnRange range() throws Exception;

        void putRange(KnnRange range) throws Exception;
    }

    public SessionKnn(int sessionsPerItem, int maxSessions, long maxAgeMs, long halfLifeMs) {
        if (sessionsPerItem < 1 || maxSessions < 1 || maxAgeMs <= 0 || halfLifeMs <= 0) {
            throw new IllegalArgumentException("session-kNN bounds must be positive");
        }
        this.sessionsPerItem = sessionsPerItem;
        this.maxSessions = maxSessions;
        this.maxAgeMs = maxAgeMs;
        this.halfLifeMs = halfLifeMs;
    }

    /** Indexes one closed session (its distinct items, first seen first); sessions of one item teach nothing. */
    public void learn(Store store, List<String> items, long end) throws Exception {
        if (items.size() < 2) {
            return;
        }
        KnnRange r = store.range();
        long number = r == null ? 0 : r.next();
        store.putSession(number, new KnnSession(end, List.copyOf(items)));
        for (String item : items) {
            ItemSessions refs = store.sessionsOf(item);
            long[] old = refs == null ? new long[0] : refs.sessions();
            int keep = Math.min(old.length, sessionsPerItem - 1);
            long[] now = Arrays.copyOfRange(old, old.length - keep, old.length + 1);
            now[keep] = number;
            store.putSessionsOf(item, new ItemSessions(now));
        }
        store.putRange(new KnnRange(r == null ? number : r.oldest(), number + 1));
    }

    /** Removes, oldest first, the sessions beyond {@code maxSessions} and those that ended before {@code now - maxAge}. */
    public void evict(Store store, long now) throws Exception {
        KnnRange r = store.range();
        if (r == null) {
            return;
        }
        long oldest = r.oldest();
        while (oldest < r.next()) {
            KnnSession s = store.session(oldest);
            boolean tooMany = r.next() - oldest > maxSessions;
            if (s != null && !tooMany && s.end() >= now - maxAgeMs) {
                break;
            }
            if (s != null) {
                for (String item : s.items()) {
                    forget(store, item, oldest);
                }
                store.removeSession(oldest);
            }
            oldest++;
        }
        if (oldest != r.oldest()) {
            store.putRange(new KnnRange(oldest, r.next()));
        }
    }

    private static void forget(Store store, String item, long number) throws Exception {
        ItemSessions refs = store.sessionsOf(item);
        if (refs == null) {
            return;
        }
        long[] kept = Arrays.stream(refs.sessions()).filter(n -> n != number).toArray();
        if (kept.length == 0) {
            store.removeItem(item);
        } else if (kept.length != refs.sessions().length) {
            store.putSessionsOf(item, new ItemSessions(kept));
        }
    }

    /**
     * The {@code k} nearest neighbours of {@code item} as of {@code at}, published under {@link
     * RecoList#knnKey}; null if the index does not know the item.
     *
     * @param weightOf an item's decayed session count as of {@code at} (from {@link CoOccurrence}); values
     *     below 1 count as 1
     */
    public RecoList neighbours(
            Store store, String item, ToDoubleFunction<String> weightOf, int k, long version, long at)
            throws Exception {
        ItemSessions refs = store.sessionsOf(item);
        if (refs == null) {
            return null;
        }
        Map<String, Double> sum = new HashMap<>();
        long[] numbers = refs.sessions();
        for (int n = numbers.length - 1; n >= 0; n--) {
            KnnSession s = store.session(numbers[n]);
            if (s == null) {
                continue;
            }
            int i = s.items().indexOf(item);
            double age = DecayedCounts.decay(s.end(), at, halfLifeMs);
            for (int j = 0; j < s.items().size(); j++) {
                if (j != i && i >= 0) {
                    double p = j > i ? 1.0 / (j - i) : BACKWARD / (i - j);
                    sum.merge(s.items().get(j), age * p, Double::sum);
                }
            }
        }
        double wi = Math.max(1.0, weightOf.applyAsDouble(item));
        List<Map.Entry<String, Double>> scored = new ArrayList<>(sum.size());
        for (Map.Entry<String, Double> e : sum.entrySet()) {
            double wj = Math.max(1.0, weightOf.applyAsDouble(e.getKey()));
            scored.add(Map.entry(e.getKey(), e.getValue() / Math.sqrt(wi * wj)));
        }
        // best first, ties by id so that replays publish the same lists
        scored.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        int m = Math.min(k, scored.size());
        List<String> items = new ArrayList<>(m);
        double[] scores = new double[m];
        for (int j = 0; j < m; j++) {
            items.add(scored.get(j).getKey());
            scores[j] = scored.get(j).getValue();
        }
        return new RecoList(RecoList.knnKey(item), items, scores, version, at);
    }

    /**
     * {@code store} with its sessions read once: for a run of {@link #neighbours} calls with no write in between
     * (one publication), whose items share most of their sessions. On RocksDB every read deserializes the session.
     * Writes go through to {@code store} and replace the remembered copy.
     */
    public static Store readingOnce(Store store) {
        return new ForwardingStore(store) {
            private final Map<Long, KnnSession> read = new HashMap<>();

            @Override
            public KnnSession session(long number) throws Exception {
                KnnSession s = read.get(number);
                if (s == null && !read.containsKey(number)) {
                    s = super.session(number);
                    read.put(number, s);
                }
                return s;
            }

            @Override
            public void putSession(long number, KnnSession session) throws Exception {
                super.putSession(number, session);
                read.put(number, session);
            }

            @Override
            public void removeSession(long number) throws Exception {
                super.removeSession(number);
                read.put(number, null);
            }
        };
    }

    /** A store that passes every call to another: override what differs. */
    public abstract static class ForwardingStore implements Store {
        private final Store store;

        protected ForwardingStore(Store store) {
            this.store = store;
        }

        @Override
        public KnnSession session(long number) throws Exception {
            return store.session(number);
        }

        @Override
        public void putSession(long number, KnnSession session) throws Exception {
            store.putSession(number, session);
        }

        @Override
        public void removeSession(long number) throws Exception {
            store.removeSession(number);
        }

        @Override
        public ItemSessions sessionsOf(String item) throws Exception {
            return store.sessionsOf(item);
        }

        @Override
        public void putSessionsOf(String item, ItemSessions sessions) throws Exception {
            store.putSessionsOf(item, sessions);
        }

        @Override
        public void removeItem(String item) throws Exception {
            store.removeItem(item);
        }

        @Override
        public KnnRange range() throws Exception {
            return store.range();
        }

        @Override
        public void putRange(KnnRange range) throws Exception {
            store.putRange(range);
        }
    }

    /** A store in plain maps: for tests and offline evaluation, which so run the operator's own code. */
    public static MemoryStore inMemory() {
        return new MemoryStore();
    }

    public static final class MemoryStore implements Store {
        private final Map<Long, KnnSession> sessions = new HashMap<>();
        private final Map<String, ItemSessions> items = new HashMap<>();
        private KnnRange range;

        public int sessionCount() {
            return sessions.size();
        }

        public int itemCount() {
            return items.size();
        }

        @Override
        public KnnSession session(long number) {
            return sessions.get(number);
        }

        @Override
        public void putSession(long number, KnnSession session) {
            sessions.put(number, session);
        }

        @Override
        public void removeSession(long number) {
            sessions.remove(number);
        }

        @Override
        public ItemSessions sessionsOf(String item) {
            return items.get(item);
        }

        @Override
        public void putSessionsOf(String item, ItemSessions s) {
            items.put(item, s);
        }

        @Override
        public void removeItem(String item) {
            items.remove(item);
        }

        @Override
        public KnnRange range() {
            return range;
        }

        @Override
        public void putRange(KnnRange r) {
            range = r;
        }
    }
}
