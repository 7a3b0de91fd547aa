package io.mailflow.recommendations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Session-kNN: neighbours from indexed sessions, position and time weighting, and the three bounds. */
class SessionKnnTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long HALF_LIFE = 7 * DAY;

    private static SessionKnn knn(int perItem, int maxSessions, long maxAge) {
        return new SessionKnn(perItem, maxSessions, maxAge, HALF_LIFE);
    }

    private static RecoList near(SessionKnn k, SessionKnn.Store s, String item, long at) throws Exception {
        return k.neighbours(s, item, i -> 0.0, 10, 7, at);
    }

    @Test
    void theItemsThatFollowMostOftenAreTheNearestAndTheItemItselfIsNot() throws Exception {
        SessionKnn k = knn(100, 1000, 30 * DAY);
        SessionKnn.MemoryStore s = SessionKnn.inMemory();
        k.learn(s, List.of("a", "b"), T0);
        k.learn(s, List.of("a", "b", "c"), T0);
        k.learn(s, List.of("a", "c"), T0);
        k.learn(s, List.of("x", "a", "b"), T0);
        RecoList r = near(k, s, "a", T0);
        assertThat(r.key()).isEqualTo(RecoList.knnKey("a"));
        assertThat(r.items()).containsExactly("b", "c", "x");
        // b: 1 + 1 + 1 = 3; c: 1/2 + 1 = 1.5; x (one place before): 0.5
        assertThat(r.scores()).containsExactly(3.0, 1.5, SessionKnn.BACKWARD);
        assertThat(r.version()).isEqualTo(7);
        assertThat(r.asOf()).isEqualTo(T0);
    }

    @Test
    void aPublicationReadsEachSessionOnceAndPublishesTheSameLists() throws Exception {
        SessionKnn k = knn(100, 1000, 30 * DAY);
        SessionKnn.MemoryStore s = SessionKnn.inMemory();
        java.util.Random r = new java.util.Random(3);
        for (int n = 0; n < 200; n++) {
            List<String> items = new java.util.ArrayList<>();
            for (int j = 0; j < 2 + r.nextInt(4); j++) {
                String item = "i" + r.nextInt(12);
                if (!items.contains(item)) {
                    items.add(item);
                }
            }
            k.learn(s, items, T0 + n * 60_000L);
        }
        int[] reads = {0};
        SessionKnn.Store counted = new CountingReads(s, reads);
        SessionKnn.Store once = SessionKnn.readingOnce(counted);
        java.util.Set<Long> distinct = new java.util.HashSet<>();
        for (int i = 0; i < 12; i++) {
            ItemSessions refs = s.sessionsOf("i" + i);
            if (refs != null) {
                for (long number : refs.sessions()) {
                    distinct.add(number);
                }
            }
            RecoList direct = k.neighbours(s, "i" + i, x -> 1.0 + x.length(), 10, 1, T0 + DAY);
            RecoList cached = k.neighbours(once, "i" + i, x -> 1.0 + x.length(), 10, 1, T0 + DAY);
            assertThat(direct).as("i%d has neighbours", i).isNotNull();
            assertThat(cached).as("i%d", i).usingRecursiveComparison().isEqualTo(direct);
        }
        assertThat(reads[0]).as("each session read once").isEqualTo(distinct.size());
        // a write in between replaces the remembered copy
        long first = distinct.iterator().next();
        once.removeSession(first);
        assertThat(once.session(first)).isNull();
        assertThat(s.session(first)).isNull();
    }

    /** Counts the sessions read from a store. */
    private static final class CountingReads extends SessionKnn.ForwardingStore {
        private final int[] reads;

        CountingReads(SessionKnn.Store store, int[] reads) {
            super(store);
            this.reads = reads;
        }

        @Override
        public KnnSession session(long number) throws Exception {
            reads[0]++;
            return super.session(number);
        }
    }

    @Test
    void scoresAreDividedByTheItemsSessionCountsSoThatBestSellersAreNotEveryonesNeighbour() throws Exception {
        SessionKnn k = knn(100, 1000, 30 * DAY);
        SessionKnn.MemoryStore s = SessionKnn.inMemory();
        k.learn(s, List.of("a", "hot"), T0);
        k.learn(s, List.of("a", "niche"), T0);
        RecoList r = k.neighbours(s, "a", i -> i.equals("hot") ? 100.0 : i.equals("a") ? 4.0 : 1.0, 10, 0, T0);
        assertThat(r.items()).containsExactly("niche", "hot");
        assertThat(r.scores()[0]).isEqualTo(1.0 / Math.sqrt(4.0));
        assertThat(r.scores()[1]).isEqualTo(1.0 / Math.sqrt(400.0));
    }

    @Test
    void olderSessionsWeighLessByTheHalfLife() throws Exception {
        SessionKnn k = knn(100, 1000, 60 * DAY);
        SessionKnn.MemoryStore s = SessionKnn.inMemory();
        k.learn(s, List.of("a", "old"), T0);
        k.learn(s, List.of("a", "old"), T0);
        k.learn(s, List.of("a", "new"), T0 + 14 * DAY);
        RecoList r = near(k, s, "a", T0 + 14 * DAY);
        // two sessions two half-lives old (2 x 0.25) weigh less than one of today
        assertThat(r.items()).containsExactly("new", "old");
        assertThat(r.scores()[1]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void eachItemKeepsOnlyItsLastSessions() throws Exception {
        SessionKnn k = knn(3, 1000, 30 * DAY);
        SessionKnn.MemoryStore s = SessionKnn.inMemory();
        for (int i = 0; i < 10; i++) {
            k.learn(s, List.of("a", "b" + i), T0 + i);
        }
        assertThat(s.sessionsOf("a").sessions()).containsExactly(7L, 8L, 9L);
        assertThat(near(k, s, "a", T0 + 10).items()).containsExactlyInAnyOrder("b7", "b8", "b9");
    }

    @Test
    void theIndexKeepsAtMostMaxSessionsAndForgetsItemsWithoutSessions() throws Exception {
        SessionKnn k = knn(100, 5, 30 * DAY);
        SessionKnn.MemoryStore s = SessionKnn.inMemory();
        for (int i = 0; i < 20; i++) {
            k.learn(s, List.of("hot", "item-" + i), T0 + i);
        }
        assertThat(s.sessionCount()).isEqualTo(20);
        k.evict(s, T0 + 20);
        assertThat(s.sessionCount()).isEqualTo(5);
        assertThat(s.range()).isEqualTo(new KnnRange(15, 20));
        // the evicted sessions' own items are gone, the shared one keeps only the kept sessions
        assertThat(s.itemCount()).isEqualTo(6);
        assertThat(s.sessionsOf("item-3")).isNull();
        assertThat(s.sessionsOf("hot").sessions()).containsExactly(15L, 16L, 17L, 18L, 19L);
        assertThat(near(k, s, "item-3", T0 + 20)).isNull();
    }

    @Test
    void sessionsOlderThanTheMaxAgeAreEvictedAndTheIndexCanEmpty() throws Exception {
        SessionKnn k = knn(100, 1000, 2 * DAY);
        SessionKnn.MemoryStore s = SessionKnn.inMemory();
        k.learn(s, List.of("a", "b"), T0);
        k.learn(s, List.of("a", "c"), T0 + DAY);
        k.evict(s, T0 + 2 * DAY + 1);
        assertThat(s.sessionCount()).isEqualTo(1);
        assertThat(near(k, s, "a", T0 + 2 * DAY + 1).items()).containsExactly("c");
        k.evict(s, T0 + 10 * DAY);
        assertThat(s.sessionCount()).isZero();
        assertThat(s.itemCount()).isZero();
        assertThat(s.range()).isEqualTo(new KnnRange(2, 2));
        // numbering goes on after an empty index
        k.learn(s, List.of("a", "d"), T0 + 10 * DAY);
        assertThat(s.sessionsOf("a").sessions()).containsExactly(2L);
    }

    @Test
    void aSessionOfOneItemTeachesNothing() throws Exception {
        SessionKnn k = knn(100, 1000, 30 * DAY);
        SessionKnn.MemoryStore s = SessionKnn.inMemory();
        k.learn(s, List.of("a"), T0);
        assertThat(s.sessionCount()).isZero();
        assertThat(s.range()).isNull();
        k.evict(s, T0); // nothing to do, no failure
    }

    @Test
    void boundsMustBePositive() {
        assertThatThrownBy(() -> knn(0, 10, DAY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> knn(1, 0, DAY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> knn(1, 10, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
