package io.mailflow.campaigns.watch;

import static io.mailflow.campaigns.watch.WatchFixtures.DAY;
import static io.mailflow.campaigns.watch.WatchFixtures.NOON;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.testing.Events;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Harness tests of the watch index: views pass through and are indexed by user, an erasure becomes one erasure per
 * item the user may watch and clears the user's index, an item is kept as long as a watcher entry can live, and
 * the walk over every item remains only where the index cannot vouch for the user.
 */
class WatchIndexFunctionTest {
    static final WatchSettings SETTINGS = new WatchSettings(3, 30 * DAY);
    static final long KEEP = WatchIndexFunction.keepMs(SETTINGS);

    private KeyedOneInputStreamOperatorTestHarness<String, ItemSignal, ItemSignal> harness;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ItemSignal, ItemSignal> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WatchIndexFunction(SETTINGS)), ItemSignal::userId, Types.STRING);
    }

    private void start() throws Exception {
        harness = harness();
        harness.open();
    }

    private void view(String user, String item, long at) throws Exception {
        harness.processElement(ItemSignal.of(Events.view(user, item, at)), at);
    }

    /** The items the erasure of the user is sent to. */
    private List<String> erase(String user, long at) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.processElement(ItemSignal.erasure(user), at);
        List<String> items = new ArrayList<>();
        for (ItemSignal s : harness.extractOutputValues()
                .subList(before, harness.extractOutputValues().size())) {
            assertThat(s.erasure().userId()).isEqualTo(user);
            items.add(s.itemId());
        }
        return items;
    }

    private List<String> fullWalks() {
        var out = harness.getSideOutput(Tags.WATCH_FULL_ERASURES);
        return out == null
                ? List.of()
                : out.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void anErasureGoesToTheUsersItemsOnlyAndClearsTheirIndexAndTimer() throws Exception {
        start();
        view("u1", "sku-1", NOON);
        view("u1", "sku-2", NOON + 1);
        view("u1", "sku-1", NOON + 2); // again: one entry
        view("u2", "sku-3", NOON);
        assertThat(harness.extractOutputValues())
                .as("views pass through unchanged")
                .extracting(ItemSignal::itemId)
                .containsExactly("sku-1", "sku-2", "sku-1", "sku-3");
        int entriesOfU2 = 2; // u2's items and bookkeeping
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2 + entriesOfU2);
        assertThat(harness.numEventTimeTimers())
                .as("one clean-up timer per user")
                .isEqualTo(2);

        assertThat(erase("u1", NOON + 3)).containsExactlyInAnyOrder("sku-1", "sku-2");
        assertThat(fullWalks()).as("a fresh job's index vouches for everyone").isEmpty();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(entriesOfU2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        assertThat(erase("u1", NOON + 4)).as("nothing left to erase").isEmpty();
        assertThat(erase("u2", NOON + 4)).containsExactly("sku-3");
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void anItemIsKeptAsLongAsAWatcherEntryCanLiveThenStateAndTimerGo() throws Exception {
        // a watch lapses watch-ttl after the last view, its dedup period (at most 365 d) may start just before
        assertThat(KEEP).isEqualTo(30 * DAY + 365 * DAY);
        start();
        view("u1", "sku-1", NOON);
        view("u2", "sku-1", NOON);
        view("u2", "sku-2", NOON + DAY);
        harness.processWatermark(NOON + KEEP - 1);
        assertThat(erase("u1", NOON + KEEP - 1)).containsExactly("sku-1");
        harness.processWatermark(NOON + KEEP);
        assertThat(harness.numEventTimeTimers()).as("re-armed at sku-2's end").isEqualTo(1);
        harness.processWatermark(NOON + DAY + KEEP);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(erase("u2", NOON + DAY + KEEP)).isEmpty();
    }

    @Test
    void aUserWithMoreItemsThanTheBoundFallsBackToTheWalkUntilTheirLastViewLapses() throws Exception {
        start();
        for (int i = 0; i < 4; i++) {
            view("crawler", "sku-" + i, NOON + i);
        }
        view("u2", "sku-0", NOON);
        assertThat(erase("crawler", NOON + 4))
                .as("the index keeps at most max-watchers items")
                .hasSize(3);
        assertThat(fullWalks()).containsExactly("crawler");
        assertThat(erase("u2", NOON + 4)).containsExactly("sku-0");
        assertThat(fullWalks()).containsExactly("crawler");

        for (int i = 0; i < 4; i++) {
            view("crawler", "sku-" + i, NOON + i);
        }
        harness.processWatermark(NOON + 3 + KEEP);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        erase("crawler", NOON + 3 + KEEP);
        assertThat(fullWalks()).as("the mark lapsed with the last view").containsExactly("crawler");
    }

    @Test
    void afterARestoreFromASavepointWithoutTheIndexErasuresAlsoWalkUntilOneRetentionAfterTheFirstWatermark()
            throws Exception {
        OperatorSubtaskState older;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new KeyedProcessFunction<String, ItemSignal, ItemSignal>() {
                    @Override
                    public void processElement(ItemSignal s, Context ctx, Collector<ItemSignal> out) {}
                }),
                ItemSignal::userId,
                Types.STRING)) {
            h.open();
            older = h.snapshot(1, 1);
        }
        harness = harness();
        harness.initializeState(older);
        harness.open();
        erase("u1", NOON);
        harness.processWatermark(NOON);
        erase("u2", NOON); // the first element after the first watermark fixes the horizon
        long until = NOON + KEEP + DAY;
        assertThat(fullWalks())
                .as("the index does not know whom the restored watchers hold")
                .containsExactly("u1", "u2");
        harness.processElement(ItemSignal.of(Events.view("u3", "sku-1", until - DAY)), until - DAY);

        OperatorSubtaskState snapshot = harness.snapshot(2, 2);
        harness.close();
        harness = harness();
        harness.initializeState(snapshot);
        harness.open();
        harness.processWatermark(until - 1);
        assertThat(erase("u3", until - 1)).as("the index serves as well").containsExactly("sku-1");
        harness.processWatermark(until);
        erase("u4", until);
        assertThat(fullWalks())
                .as("the horizon survives a restore; after it, the index alone")
                .containsExactly("u3");
    }
}
