package io.mailflow.recommendations;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.SessionSummary;
import io.mailflow.testing.StateEntries;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The trainer's state stays bounded however many items the sessions name: decayed items go, the rest is capped. */
class RecommendationTrainerTest {
    private static final long HALF_LIFE = ONE_HOUR;

    private static KeyedTwoInputStreamOperatorTestHarness<Integer, SessionSummary, SegmentItems, RecoList> harness(
            int maxItems) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(
                        new RecommendationTrainer(new CoOccurrence(HALF_LIFE, 10), 5, 20, ONE_MINUTE, maxItems)),
                s -> RecommendationTrainer.GLOBAL_KEY,
                s -> RecommendationTrainer.GLOBAL_KEY,
                Types.INT);
    }

    private static SessionSummary viewed(long end, String... items) {
        return new SessionSummary(
                "u@" + end,
                "u",
                end - ONE_MINUTE,
                end,
                ONE_MINUTE,
                items.length,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                "USD",
                1,
                List.of(items),
                List.of(),
                List.of(),
                List.of());
    }

    private static long items(KeyedTwoInputStreamOperatorTestHarness<Integer, SessionSummary, SegmentItems, RecoList> h)
            throws Exception {
        return StateEntries.mapEntries(h, RecommendationTrainer.itemCountsDescriptor());
    }

    @Test
    void theNumberOfItemsKeptIsCappedAndTheLightestGoFirst() throws Exception {
        try (var h = harness(50)) {
            h.open();
            for (int i = 0; i < 500; i++) {
                long t = BEGINNING + i * 1000L;
                h.processElement1(viewed(t, "hot", "new-" + i), t);
            }
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + ONE_HOUR));
            assertThat(items(h)).isLessThanOrEqualTo(50);
            assertThat(StateEntries.mapEntries(h, RecommendationTrainer.changedDescriptor()))
                    .isZero();
            // the item seen in every session survives the cap
            h.processElement1(viewed(BEGINNING + ONE_HOUR, "hot", "x"), BEGINNING + ONE_HOUR);
            h.processBothWatermarks(
                    new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + ONE_HOUR + ONE_MINUTE));
            assertThat(h.extractOutputValues()).extracting(RecoList::key).contains(RecoList.itemKey("hot"));
        }
    }

    @Test
    void itemsWhoseDecayedCountFellBelowTheThresholdAreEvicted() throws Exception {
        try (var h = harness(10_000)) {
            h.open();
            for (int i = 0; i < 100; i++) {
                h.processElement1(viewed(BEGINNING, "old-" + i, "old-" + (i + 1)), BEGINNING);
            }
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + ONE_MINUTE));
            assertThat(items(h)).isEqualTo(101);

            // twenty half-lives later one new session arrives: the old items are worth nothing and go
            long later = BEGINNING + 20 * HALF_LIFE;
            h.processElement1(viewed(later, "new-a", "new-b"), later);
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(later + ONE_MINUTE));
            assertThat(items(h)).isEqualTo(2);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void theSessionKnnIsPublishedNextToTheCoOccurrenceAndItsIndexIsBounded() throws Exception {
        SessionKnn knn = new SessionKnn(3, 4, 2 * ONE_HOUR, HALF_LIFE);
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<Integer, SessionSummary, SegmentItems, RecoList>(
                new KeyedCoProcessOperator<>(
                        new RecommendationTrainer(new CoOccurrence(HALF_LIFE, 10), knn, 5, 20, ONE_MINUTE, 10_000)),
                s -> RecommendationTrainer.GLOBAL_KEY,
                s -> RecommendationTrainer.GLOBAL_KEY,
                Types.INT)) {
            h.open();
            h.processElement1(viewed(BEGINNING, "a", "b", "c"), BEGINNING);
            h.processElement1(viewed(BEGINNING + 1, "a", "b"), BEGINNING + 1);
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + ONE_MINUTE));
            RecoList a = h.extractOutputValues().stream()
                    .filter(r -> r.key().equals(RecoList.knnKey("a")))
                    .findFirst()
                    .orElseThrow();
            assertThat(a.items()).containsExactly("b", "c");
            assertThat(h.extractOutputValues()).extracting(RecoList::key).contains(RecoList.itemKey("a"));

            // more sessions than the index may hold: at the next publication the oldest go
            for (int i = 0; i < 10; i++) {
                long t = BEGINNING + ONE_MINUTE + i;
                h.processElement1(viewed(t, "x" + i, "y" + i), t);
            }
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + 2 * ONE_MINUTE));
            assertThat(StateEntries.mapEntries(h, RecommendationTrainer.knnSessionsDescriptor()))
                    .isEqualTo(4);
            assertThat(StateEntries.mapEntries(h, RecommendationTrainer.knnItemSessionsDescriptor()))
                    .isEqualTo(8);

            // past the max age every session goes; the index is empty but the numbering is kept
            long later = BEGINNING + 3 * ONE_HOUR;
            h.processElement1(viewed(later, "p", "q"), later);
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(later + ONE_MINUTE));
            assertThat(StateEntries.mapEntries(h, RecommendationTrainer.knnSessionsDescriptor()))
                    .isEqualTo(1);
            assertThat(StateEntries.mapEntries(h, RecommendationTrainer.knnItemSessionsDescriptor()))
                    .isEqualTo(2);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void withoutASessionKnnNoKnnListIsPublished() throws Exception {
        try (var h = harness(10_000)) {
            h.open();
            h.processElement1(viewed(BEGINNING, "a", "b"), BEGINNING);
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(BEGINNING + ONE_MINUTE));
            assertThat(h.extractOutputValues()).extracting(RecoList::key).noneMatch(k -> k.startsWith("knn:"));
            assertThat(StateEntries.mapEntries(h, RecommendationTrainer.knnSessionsDescriptor()))
                    .isZero();
        }
    }
}
