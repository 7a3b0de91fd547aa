package io.mailflow.campaigns.watch;

import static io.mailflow.campaigns.watch.WatchFixtures.DAY;
import static io.mailflow.campaigns.watch.WatchFixtures.DROP;
import static io.mailflow.campaigns.watch.WatchFixtures.NOON;
import static io.mailflow.campaigns.watch.WatchFixtures.ONE_HOUR;
import static io.mailflow.campaigns.watch.WatchFixtures.RESTOCK;
import static io.mailflow.campaigns.watch.WatchFixtures.in;
import static io.mailflow.campaigns.watch.WatchFixtures.out;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.campaigns.ControlMessage;
import io.mailflow.campaigns.Descriptors;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.common.Tags;
import io.mailflow.model.CatalogUpdate;
import io.mailflow.testing.Events;
import io.mailflow.testing.TimerCountingOperator;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Harness tests of the item watchers: back in stock and price drop fire for the watchers, once per user and item
 * within the dedup period, the list is bounded, an erasure reaches it, and state and timers are cleared.
 */
class ItemWatchFunctionTest {
    static final WatchSettings SETTINGS = new WatchSettings(3, 30 * DAY);

    private KeyedBroadcastOperatorTestHarness<String, ItemSignal, ControlMessage, UserSignal> harness;
    private TimerCountingOperator<String, ItemSignal, ControlMessage, UserSignal> operator;
    /** The watch index in front, for the tests of the erasure path. */
    private KeyedOneInputStreamOperatorTestHarness<String, ItemSignal, ItemSignal> index;

    private int forwarded;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (index != null) {
            index.close();
        }
    }

    private void start(CampaignDefinition... initial) throws Exception {
        operator = new TimerCountingOperator<>(
                new ItemWatchFunction(SETTINGS, List.of(initial)), List.of(Descriptors.CAMPAIGNS));
        harness = new KeyedBroadcastOperatorTestHarness<>(operator, ItemSignal::itemId, Types.STRING, 1, 1, 0);
        harness.open();
    }

    private void view(String user, String item, long at) throws Exception {
        harness.processElement(ItemSignal.of(Events.view(user, item, at)), at);
    }

    private void catalog(CatalogUpdate u) throws Exception {
        harness.processElement(
                ItemSignal.of(u), u.item() == null ? 0L : u.item().updatedAt());
    }

    private List<UserSignal> signals() {
        return harness.extractOutputValues();
    }

    @Test
    void backInStockTellsTheUsersWhoSawItUnavailableOnceAtTheChangesTime() throws Exception {
        start(RESTOCK);
        catalog(out("sku-1", 100.0, NOON - DAY));
        harness.watermark(NOON - DAY);
        view("u1", "sku-1", NOON - 2 * ONE_HOUR);
        view("u2", "sku-1", NOON - ONE_HOUR);
        catalog(in("sku-1", 100.0, NOON));
        harness.watermark(NOON - 1);
        assertThat(signals()).as("applied when event time reaches updatedAt").isEmpty();

        harness.watermark(NOON);
        assertThat(signals()).extracting(UserSignal::userId).containsExactlyInAnyOrder("u1", "u2");
        assertThat(signals()).allSatisfy(s -> {
            assertThat(s.catalog().triggerType()).isEqualTo(TriggerType.BACK_IN_STOCK);
            assertThat(s.catalog().itemId()).isEqualTo("sku-1");
            assertThat(s.catalog().at()).isEqualTo(NOON);
        });

        // out and back again within the dedup period: nobody is told twice
        catalog(out("sku-1", 100.0, NOON + ONE_HOUR));
        view("u1", "sku-1", NOON + 2 * ONE_HOUR);
        catalog(in("sku-1", 100.0, NOON + DAY));
        harness.watermark(NOON + DAY);
        assertThat(signals()).hasSize(2);

        // the watches lapse, the dedup periods run out: only the item's status is left, and no timer
        harness.watermark(NOON + 40 * DAY);
        assertThat(operator.numKeyedStateEntries()).as("the item's status only").isEqualTo(1);
        assertThat(operator.numEventTimeTimers()).isZero();
    }

    @Test
    void aViewSeesACatalogChangeOlderThanItselfThatEventTimeHasNotReachedYet() throws Exception {
        // in a replay the catalog holds event time back: the views arrive before the out-of-stock version applies
        start(RESTOCK);
        catalog(out("sku-1", 100.0, NOON - DAY));
        catalog(in("sku-1", 100.0, NOON));
        view("u1", "sku-1", NOON - ONE_HOUR);
        view("u2", "sku-1", NOON - 2 * DAY); // before the item was known: nothing to wish for
        harness.watermark(NOON);
        assertThat(signals()).extracting(UserSignal::userId).containsExactly("u1");
    }

    @Test
    void aViewArrivingBeforeTheCatalogVersionsOfItsTimeIsDecidedWithThem() throws Exception {
        // a replay: the view is read before the catalog; event time decides, not arrival
        start(RESTOCK, DROP);
        view("u1", "sku-1", NOON - ONE_HOUR);
        harness.processElement(ItemSignal.of(Events.cart("u2", "sku-2", 1299.0, NOON - ONE_HOUR)), NOON - ONE_HOUR);
        catalog(out("sku-1", 100.0, NOON - DAY));
        catalog(in("sku-1", 100.0, NOON));
        catalog(in("sku-2", 1299.0, NOON - DAY));
        catalog(in("sku-2", 999.0, NOON));
        harness.watermark(NOON);
        assertThat(signals())
                .extracting(x -> x.userId() + ":" + x.catalog().trigger())
                .containsExactlyInAnyOrder("u1:BACK_IN_STOCK", "u2:PRICE_DROP");
    }

    @Test
    void priceDropTellsWatchersWhenThePriceFellByTheShareWithWasAndNow() throws Exception {
        start(DROP);
        catalog(in("sku-2", 50.0, NOON - DAY));
        harness.watermark(NOON - DAY);
        view("u1", "sku-2", NOON - ONE_HOUR);
        catalog(in("sku-2", 47.5, NOON)); // 5 %: below the campaign's 10 %
        catalog(in("sku-2", 40.0, NOON + ONE_HOUR)); // 20 %
        catalog(in("sku-2", 30.0, NOON + 2 * ONE_HOUR)); // further down: de-duplicated
        harness.watermark(NOON + 3 * ONE_HOUR);
        assertThat(signals()).hasSize(1);
        UserSignal s = signals().get(0);
        assertThat(s.userId()).isEqualTo("u1");
        assertThat(s.catalog().triggerType()).isEqualTo(TriggerType.PRICE_DROP);
        assertThat(s.catalog().wasPrice()).isEqualTo(50.0);
        assertThat(s.catalog().price()).isEqualTo(40.0);
        assertThat(s.catalog().at()).isEqualTo(NOON + ONE_HOUR);
    }

    @Test
    void movingTheSweepAwayFromAWaitingChangesTimeKeepsThatChangesTimer() throws Exception {
        start(DROP);
        long change = NOON + 30 * DAY;
        catalog(in("sku-2", 50.0, NOON - DAY));
        harness.watermark(NOON - DAY);
        catalog(in("sku-2", 40.0, change)); // waits for event time; its timer is at `change`
        view("u1", "sku-2", NOON); // the watch lapses at NOON + 30 d: the sweep shares the change's time
        view("u1", "sku-2", NOON + DAY); // the sweep moves on
        harness.watermark(change);
        assertThat(signals()).hasSize(1);
        assertThat(signals().get(0).catalog().price()).isEqualTo(40.0);
    }

    @Test
    void aDefinitionChangedAtRuntimeDecidesTheNextChange() throws Exception {
        start(DROP);
        catalog(in("sku-2", 50.0, NOON - DAY));
        harness.watermark(NOON - DAY);
        view("u1", "sku-2", NOON - ONE_HOUR);
        harness.processBroadcastElement(
                Campaigns.update(
                        Campaigns.of("price-drop", "{type: price-drop, minDropShare: 0.5, dedup: 7d}", "version: 2")),
                NOON - ONE_HOUR);
        catalog(in("sku-2", 40.0, NOON));
        harness.watermark(NOON);
        assertThat(signals()).as("20 %% is below the new 50 %%").isEmpty();
        catalog(in("sku-2", 20.0, NOON + ONE_HOUR));
        harness.watermark(NOON + ONE_HOUR);
        assertThat(signals()).hasSize(1);
    }

    @Test
    void aCampaignAddedAfterTheViewsStillFindsTheirWatchers() throws Exception {
        start(Campaigns.of("abandoned-cart", "{type: abandoned-cart}"));
        catalog(out("sku-1", 100.0, NOON - DAY));
        harness.watermark(NOON - DAY);
        view("u1", "sku-1", NOON - ONE_HOUR);
        harness.processBroadcastElement(Campaigns.update(RESTOCK), NOON - ONE_HOUR);
        catalog(in("sku-1", 100.0, NOON));
        harness.watermark(NOON);
        assertThat(signals()).extracting(UserSignal::userId).containsExactly("u1");
    }

    @Test
    void withoutACatalogCampaignNobodyIsToldAndTheWatchersLapse() throws Exception {
        start(Campaigns.of("abandoned-cart", "{type: abandoned-cart}"));
        catalog(out("sku-1", 100.0, NOON - DAY));
        harness.watermark(NOON - DAY);
        view("u1", "sku-1", NOON - ONE_HOUR);
        catalog(in("sku-1", 100.0, NOON));
        harness.watermark(NOON + 31 * DAY);
        assertThat(signals()).isEmpty();
        assertThat(operator.numKeyedStateEntries()).as("the item's status only").isEqualTo(1);
        assertThat(operator.numEventTimeTimers()).isZero();
    }

    @Test
    void theWatcherListIsBounded() throws Exception {
        start(RESTOCK);
        catalog(out("sku-1", 100.0, NOON - DAY));
        harness.watermark(NOON - DAY);
        for (int i = 0; i < 5; i++) {
            view("u" + i, "sku-1", NOON - 10 * ONE_HOUR + i);
        }
        catalog(in("sku-1", 100.0, NOON));
        harness.watermark(NOON);
        assertThat(signals())
                .as("the oldest two were evicted")
                .extracting(UserSignal::userId)
                .containsExactlyInAnyOrder("u2", "u3", "u4");
    }

    @Test
    void anErasureThroughTheIndexForgetsTheUserInTheirItemsOnlyAndVisitsNoOtherItem() throws Exception {
        start(RESTOCK);
        index = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WatchIndexFunction(SETTINGS)), ItemSignal::userId, Types.STRING);
        index.open();
        List<String> catalogItems = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            catalogItems.add("sku-" + i);
        }
        for (String item : catalogItems) {
            catalog(out(item, 100.0, NOON - DAY));
        }
        watermarks(NOON - DAY);
        viewThroughIndex("u1", "sku-1", NOON - ONE_HOUR);
        viewThroughIndex("u1", "sku-2", NOON - ONE_HOUR);
        for (String item : catalogItems) {
            viewThroughIndex("u2", item, NOON - ONE_HOUR);
        }
        watermarks(NOON - ONE_HOUR); // these views are decided: u1 is in the watcher lists of sku-1 and sku-2
        viewThroughIndex("u1", "sku-1", NOON - 10 * 60_000L); // and this one still waits for event time

        index.processElement(ItemSignal.erasure("u1"), NOON - 10 * 60_000L);
        List<ItemSignal> erasures = forward();
        assertThat(erasures)
                .as("one erasure per item u1 watches, keyed by item")
                .extracting(ItemSignal::itemId)
                .containsExactlyInAnyOrder("sku-1", "sku-2");
        assertThat(operator.counter("watchErasureItemVisits"))
                .as("items the erasure visited, of 20 with watchers")
                .isEqualTo(2);
        assertThat(index.getSideOutput(Tags.WATCH_FULL_ERASURES))
                .as("no walk over every item")
                .isNull();

        for (String item : catalogItems) {
            catalog(in(item, 100.0, NOON));
        }
        watermarks(NOON);
        assertThat(signals())
                .as("u2 is told about every item, u1 about none (neither the decided nor the waiting view)")
                .extracting(UserSignal::userId)
                .containsOnly("u2")
                .hasSize(20);
    }

    @Test
    void theFallbackErasureOnTheBroadcastInputWalksEveryItem() throws Exception {
        // for users the index cannot vouch for (a savepoint older than it, more items than it keeps)
        start(RESTOCK);
        for (String item : List.of("sku-1", "sku-2", "sku-3")) {
            catalog(out(item, 100.0, NOON - DAY));
        }
        harness.watermark(NOON - DAY);
        for (String item : List.of("sku-1", "sku-2")) {
            view("u1", item, NOON - ONE_HOUR);
        }
        view("u2", "sku-2", NOON - ONE_HOUR);
        view("u2", "sku-3", NOON - 2 * ONE_HOUR);
        harness.watermark(NOON - 2 * ONE_HOUR); // sku-3's view is decided, the others wait for event time
        harness.processBroadcastElement(ControlMessage.erasure("u1"), NOON - ONE_HOUR);
        assertThat(operator.counter("watchErasureItemVisits"))
                .as("every item with watchers")
                .isEqualTo(1);
        for (String item : List.of("sku-1", "sku-2", "sku-3")) {
            catalog(in(item, 100.0, NOON));
        }
        harness.watermark(NOON);
        assertThat(signals()).extracting(UserSignal::userId).containsExactly("u2", "u2");
    }

    /** Feeds a view to the index and what it emits to the item watchers. */
    private void viewThroughIndex(String user, String item, long at) throws Exception {
        index.processElement(ItemSignal.of(Events.view(user, item, at)), at);
        forward();
    }

    private void watermarks(long at) throws Exception {
        index.processWatermark(at);
        harness.watermark(at);
    }

    /** Hands the index's new output to the item watchers, in order; returns the erasures among it. */
    private List<ItemSignal> forward() throws Exception {
        List<ItemSignal> erasures = new ArrayList<>();
        List<StreamRecord<? extends ItemSignal>> all = index.extractOutputStreamRecords();
        for (StreamRecord<? extends ItemSignal> r : all.subList(forwarded, all.size())) {
            harness.processElement(r.getValue(), r.getTimestamp());
            if (r.getValue().erasure() != null) {
                erasures.add(r.getValue());
            }
        }
        forwarded = all.size();
        return erasures;
    }

    @Test
    void aRemovedItemForgetsItsWatchersAndStatus() throws Exception {
        start(RESTOCK);
        catalog(out("sku-1", 100.0, NOON - DAY));
        harness.watermark(NOON - DAY);
        view("u1", "sku-1", NOON - ONE_HOUR);
        catalog(CatalogUpdate.removal("sku-1"));
        assertThat(operator.numKeyedStateEntries()).isZero();
        harness.watermark(NOON + 40 * DAY);
        assertThat(signals()).isEmpty();
        assertThat(operator.numEventTimeTimers()).isZero();
    }
}
