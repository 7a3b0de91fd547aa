package io.mailflow.bench;

import io.mailflow.campaigns.ControlMessage;
import io.mailflow.campaigns.Descriptors;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.campaigns.watch.ItemSignal;
import io.mailflow.campaigns.watch.ItemWatchFunction;
import io.mailflow.campaigns.watch.WatchIndexFunction;
import io.mailflow.campaigns.watch.WatchSettings;
import io.mailflow.model.CatalogUpdate;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.testing.TimerCountingOperator;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Bytes of checkpointed keyed state of the catalog triggers' watchers: N items, each viewed by W users (user ids
 * like a real shop's, {@code user-0000123}; every view carries a price), loaded into the item watchers (keyed by
 * item) and into the watch index (keyed by user: the same views, N users watching W items each), one subtask
 * each, heap state backend. The keyed-state size of a snapshot after the catalog (the items' status) and after
 * the views is divided by the items and by the watcher entries. The views are behind the watermark, so they go straight into the watcher lists (none waits in
 * {@code watch-pending-views}). Then one user is erased twice: through the index (one erasure per item the user
 * watches) and by the fallback walk over every item, with the items each visits and its time.
 *
 * <pre>mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.ItemWatchStateBenchmark -Ddemo.args="--items 100000 --watchers 10"</pre>
 */
public final class ItemWatchStateBenchmark {
    private ItemWatchStateBenchmark() {}

    /** 2026-12-01T00:00:00Z: after the catalog versions' updatedAt; the views in the minutes before it. */
    private static final long NOW =
            java.time.Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

    private static final WatchSettings SETTINGS =
            new WatchSettings(1000, Duration.ofDays(30).toMillis());

    public static void main(String[] args) throws Exception {
        int items = 100_000;
        int watchers = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--items")) {
                items = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--watchers")) {
                watchers = Integer.parseInt(args[i + 1]);
            }
        }
        long entries = (long) items * watchers;
        try (var h = new KeyedBroadcastOperatorTestHarness<String, ItemSignal, ControlMessage, UserSignal>(
                        new TimerCountingOperator<>(
                                new ItemWatchFunction(SETTINGS, List.of()), List.of(Descriptors.CAMPAIGNS)),
                        ItemSignal::itemId,
                        Types.STRING,
                        128,
                        1,
                        0);
                var index = new KeyedOneInputStreamOperatorTestHarness<String, ItemSignal, ItemSignal>(
                        new KeyedProcessOperator<>(new WatchIndexFunction(SETTINGS)),
                        ItemSignal::userId,
                        Types.STRING)) {
            h.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE));
            index.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE));
            h.open();
            index.open();
            h.watermark(NOW);
            index.processWatermark(NOW);
            for (int i = 0; i < items; i++) {
                h.processElement(ItemSignal.of(CatalogUpdate.upsert(CatalogStateBenchmark.item(i))), NOW);
            }
            h.watermark(NOW + 1); // the catalog versions apply
            long statusBytes = h.snapshot(1L, 1L).getManagedKeyedState().getStateSize();
            long started = System.nanoTime();
            for (int i = 0; i < items; i++) {
                String item = String.format("sku-%07d", i);
                for (int w = 0; w < watchers; w++) {
                    // item i is watched by users i .. i + W - 1 (mod the users), so each user watches W items
                    ItemSignal view = ItemSignal.of(view(user((i + w) % items), item, NOW - (w + 1) * 60_000L));
                    h.processElement(view, view.event().timestamp());
                    index.processElement(view, view.event().timestamp());
                }
                index.getOutput().clear(); // the views it passes on: not needed here
            }
            double loadSeconds = (System.nanoTime() - started) / 1e9;
            long watchBytes = h.snapshot(2L, 2L).getManagedKeyedState().getStateSize();
            long indexBytes = index.snapshot(2L, 2L).getManagedKeyedState().getStateSize();
            long listBytes = watchBytes - statusBytes;
            System.out.printf(
                    "items: %,d, watchers per item: %d (%,d entries); views loaded in %.1f s (one subtask each,"
                            + " heap)%n",
                    items, watchers, entries, loadSeconds);
            System.out.printf(
                    "item-watchers keyed state: %,d bytes = %.1f bytes per item; of which item status %.1f bytes"
                            + " per item, watcher lists %,d bytes = %.1f bytes per watched item, %.1f bytes per"
                            + " watcher entry%n",
                    watchBytes,
                    (double) watchBytes / items,
                    (double) statusBytes / items,
                    listBytes,
                    (double) listBytes / items,
                    (double) listBytes / entries);
            System.out.printf(
                    "item-watch-index keyed state: %,d bytes = %.1f bytes per indexed (user, item)%n",
                    indexBytes, (double) indexBytes / entries);

            TimerCountingOperator<?, ?, ?, ?> op = (TimerCountingOperator<?, ?, ?, ?>) h.getOperator();
            String erased = user(items / 2);
            long t0 = System.nanoTime();
            index.processElement(ItemSignal.erasure(erased), NOW + 1);
            int perItem = 0;
            for (ItemSignal s : index.extractOutputValues()) {
                h.processElement(s, NOW + 1);
                perItem++;
            }
            double indexedMs = (System.nanoTime() - t0) / 1e6;
            long visitsIndexed = op.counter("watchErasureItemVisits");
            String other = user(items / 3);
            long t1 = System.nanoTime();
            h.processBroadcastElement(ControlMessage.erasure(other), NOW + 1);
            double walkMs = (System.nanoTime() - t1) / 1e6;
            long visitsWalk = op.counter("watchErasureItemVisits") - visitsIndexed;
            System.out.printf(
                    "erasure through the index: %d per-item erasures, %d items visited, %.1f ms;"
                            + " fallback walk: %,d items visited, %.1f ms%n",
                    perItem, visitsIndexed, indexedMs, visitsWalk, walkMs);
        }
    }

    private static String user(int i) {
        return String.format("user-%07d", i);
    }

    private static Event view(String user, String item, long at) {
        return new Event(
                "e-" + user + "-" + item,
                user,
                "s-" + user,
                EventType.VIEW,
                item,
                "cat-1",
                59.0,
                null,
                "USD",
                null,
                at);
    }
}
