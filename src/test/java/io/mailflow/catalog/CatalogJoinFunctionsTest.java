package io.mailflow.catalog;

import static io.mailflow.catalog.CatalogFixtures.NOON;
import static io.mailflow.catalog.CatalogFixtures.ONE_MINUTE_LATER;
import static io.mailflow.catalog.CatalogFixtures.inStock;
import static io.mailflow.catalog.CatalogFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.CatalogPolicy;
import io.mailflow.model.CatalogUpdate;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.testing.StateEntries;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The two keyed operators of the catalog join: state and timers are cleared once a request is answered. */
class CatalogJoinFunctionsTest {

    private static KeyedTwoInputStreamOperatorTestHarness<String, ItemLookup, CatalogUpdate, ItemLookup> lookup()
            throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new CatalogLookupFunction()),
                ItemLookup::itemId,
                CatalogUpdate::itemId,
                Types.STRING);
        h.open();
        return h;
    }

    private static ItemLookup lookupOf(String item, long at) {
        return new ItemLookup("r1", 0, 1, item, at, false, null);
    }

    @Test
    void aLookupWaitsForEventTimeThenSeesTheNewestVersion() throws Exception {
        try (var h = lookup()) {
            h.processElement1(lookupOf("a", ONE_MINUTE_LATER), ONE_MINUTE_LATER);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            // arrives after the lookup but before event time reaches it: the lookup sees it
            h.processElement2(CatalogUpdate.upsert(inStock("a")), NOON);
            CatalogItem older = new CatalogItem(
                    "a", "Old", null, null, null, null, null, null, null, null, null, List.of(), true, NOON - 1);
            h.processElement2(CatalogUpdate.upsert(older), NOON); // older version: ignored
            assertThat(h.extractOutputValues()).isEmpty();
            h.processBothWatermarks(new Watermark(ONE_MINUTE_LATER));
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(l -> assertThat(l.item().title()).isEqualTo("Title a"));
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(StateEntries.mapEntries(h, CatalogLookupFunction.waitingDescriptor()))
                    .isZero();
        }
    }

    @Test
    void aLookupBehindTheWatermarkIsAnsweredAtOnceAndARemovalForgetsTheItem() throws Exception {
        try (var h = lookup()) {
            h.processElement2(CatalogUpdate.upsert(inStock("a")), NOON);
            h.processBothWatermarks(new Watermark(ONE_MINUTE_LATER));
            h.processElement1(lookupOf("a", NOON), NOON);
            h.processElement2(CatalogUpdate.removal("a"), NOON);
            h.processElement1(lookupOf("a", NOON), NOON);
            assertThat(h.extractOutputValues())
                    .extracting(l -> l.item() == null ? null : l.item().itemId())
                    .containsExactly("a", null);
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void theAssemblyWaitsForEveryPartInAnyOrderThenClearsItsState() throws Exception {
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new RequestAssemblyFunction(5)),
                EmailRequest::requestId,
                ItemLookup::requestId,
                Types.STRING)) {
            h.open();
            EmailRequest r = request("r1", List.of("a", "x"), List.of("c"), CatalogPolicy.SKIP, false);
            List<ItemLookup> parts = CatalogEnrichment.split(r);
            h.processElement2(parts.get(2).found(inStock("c")), NOON);
            h.processElement1(r, NOON);
            h.processElement2(parts.get(0).found(inStock("a")), NOON);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement2(parts.get(1).found(null), NOON);
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(e ->
                            assertThat(e.items()).extracting(LineItem::itemId).containsExactly("a"));
            assertThat(h.numKeyedStateEntries()).isZero();

            EmailRequest lost = request("r2", List.of("x"), List.of(), CatalogPolicy.SKIP, false);
            h.processElement1(lost, NOON);
            h.processElement2(CatalogEnrichment.split(lost).get(0).found(null), NOON);
            assertThat(h.getSideOutput(Tags.DEAD_LETTERS)).singleElement().satisfies(d -> {
                assertThat(d.getValue().stage()).isEqualTo("catalog");
                assertThat(d.getValue().payload()).isEqualTo("r2");
                assertThat(d.getValue().reason()).contains("unknown 1");
            });
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
