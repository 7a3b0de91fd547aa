package io.mailflow.bench;

import io.mailflow.catalog.CatalogLookupFunction;
import io.mailflow.catalog.ItemLookup;
import io.mailflow.model.Availability;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.CatalogUpdate;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * Bytes of checkpointed keyed state per catalog item: loads N items shaped like a real feed (English and Chinese
 * title, product and image URL, price and list price, brand, a three-level category path) into the catalog
 * lookup operator (one subtask, heap state backend), takes a snapshot and divides its keyed-state size by N. A
 * full snapshot holds each item once (key and serialized value), so the figure does not depend on N; the
 * operator's heap use is larger (Java objects) and is not measured here.
 *
 * <pre>mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.CatalogStateBenchmark -Ddemo.args="--items 1000000"</pre>
 */
public final class CatalogStateBenchmark {
    private CatalogStateBenchmark() {}

    public static void main(String[] args) throws Exception {
        int items = 1_000_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--items")) {
                items = Integer.parseInt(args[i + 1]);
            }
        }
        try (KeyedTwoInputStreamOperatorTestHarness<String, ItemLookup, CatalogUpdate, ItemLookup> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new CatalogLookupFunction()),
                        ItemLookup::itemId,
                        CatalogUpdate::itemId,
                        Types.STRING)) {
            // the snapshot is held in memory: allow it to be large (about 300 MB at a million items)
            h.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE));
            h.open();
            long started = System.nanoTime();
            for (int i = 0; i < items; i++) {
                h.processElement2(CatalogUpdate.upsert(item(i)), 0L);
            }
            double loadSeconds = (System.nanoTime() - started) / 1e9;
            OperatorSubtaskState snapshot = h.snapshot(1L, 1L);
            long bytes = snapshot.getManagedKeyedState().getStateSize();
            System.out.printf(
                    "catalog items: %,d; checkpointed keyed state: %,d bytes = %.1f bytes per item;"
                            + " loaded at %,.0f items/s (one subtask, heap state)%n",
                    items, bytes, (double) bytes / items, items / loadSeconds);
        }
    }

    /** An item like a real feed's: about 400 bytes of text. */
    static CatalogItem item(int i) {
        String id = String.format("sku-%07d", i);
        return new CatalogItem(
                id,
                "Acme wireless headphones model " + (i % 997),
                Map.of("zh-CN", "无线耳机 型号 " + (i % 997)),
                "https://shop.example.com/p/" + id,
                "https://images.example.com/products/" + id + ".jpg",
                10.0 + (i % 5000) / 7.0,
                "USD",
                i % 3 == 0 ? 99.99 : null,
                i % 20 == 0 ? Availability.OUT_OF_STOCK : Availability.IN_STOCK,
                i % 50,
                "Acme",
                List.of("electronics", "audio", "headphone"),
                true,
                1_795_950_000_000L + i);
    }
}
