package io.mailflow.catalog;

import static io.mailflow.catalog.CatalogFixtures.NOON;
import static io.mailflow.catalog.CatalogFixtures.inStock;
import static io.mailflow.catalog.CatalogFixtures.item;
import static io.mailflow.catalog.CatalogFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Availability;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.CatalogPolicy;
import io.mailflow.model.CatalogUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.testing.FlinkTestEnv;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The keyed catalog join on a MiniCluster at parallelism 2 without Kryo: items and requests spread over both
 * subtasks, every request comes back exactly once (enriched or as a dead letter), and a bounded catalog is read
 * to its end before any lookup is answered.
 */
class CatalogStageITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FlinkTestEnv.miniCluster();

    private static final CatalogSettings SETTINGS = new CatalogSettings(true, Duration.ofHours(1), 5);

    @Test
    void everyRequestIsEnrichedOrDeadLetteredExactlyOnce() throws Exception {
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        List<CatalogUpdate> catalog = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            catalog.add(CatalogUpdate.upsert(
                    i % 10 == 0 ? item("sku-" + i, Availability.OUT_OF_STOCK, true, null) : inStock("sku-" + i)));
        }
        List<EmailRequest> requests = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            // items sku-i and sku-(i+1), one recommendation; request 0..: every tenth's first item is out of stock
            requests.add(request(
                    "r" + i,
                    i % 10 == 0 ? List.of("sku-" + i) : List.of("sku-" + i, "sku-" + (i + 1)),
                    List.of("sku-" + (150 + i % 50)),
                    CatalogPolicy.SKIP,
                    false));
        }
        DataStream<EmailRequest> timed = env.fromData(EmailRequest.class, requests.toArray(new EmailRequest[0]))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<EmailRequest>forBoundedOutOfOrderness(Duration.ZERO)
                        .withTimestampAssigner((r, t) -> r.triggeredAt()));
        DataStream<CatalogUpdate> updates = env.fromData(CatalogUpdate.class, catalog.toArray(new CatalogUpdate[0]));
        CatalogStage.Enriched out = CatalogStage.enrich(timed, updates, SETTINGS);
        List<EmailRequest> sent = new ArrayList<>();
        List<DeadLetter> stopped = new ArrayList<>();
        var a = out.requests().executeAndCollect("requests");
        // executeAndCollect runs the job; the dead letters are collected in a second run of the same graph
        a.forEachRemaining(sent::add);
        a.close();

        StreamExecutionEnvironment env2 = FlinkTestEnv.env();
        CatalogStage.Enriched again = CatalogStage.enrich(
                env2.fromData(EmailRequest.class, requests.toArray(new EmailRequest[0]))
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<EmailRequest>forBoundedOutOfOrderness(Duration.ZERO)
                                        .withTimestampAssigner((r, t) -> r.triggeredAt())),
                env2.fromData(CatalogUpdate.class, catalog.toArray(new CatalogUpdate[0])),
                SETTINGS);
        try (var d = again.deadLetters().executeAndCollect("dead letters")) {
            d.forEachRemaining(stopped::add);
        }

        assertThat(sent).hasSize(90).extracting(EmailRequest::requestId).doesNotHaveDuplicates();
        assertThat(stopped).hasSize(10).allSatisfy(dl -> assertThat(dl.stage()).isEqualTo("catalog"));
        for (EmailRequest r : sent) {
            int n = Integer.parseInt(r.requestId().substring(1));
            // sku-(n+1) is out of stock when n+1 is a multiple of ten: it is left out, sku-n is kept
            List<String> expected = (n + 1) % 10 == 0 ? List.of("sku-" + n) : List.of("sku-" + n, "sku-" + (n + 1));
            assertThat(r.items()).extracting(LineItem::itemId).containsExactlyElementsOf(expected);
            assertThat(r.products()).extracting(CatalogItem::itemId).contains("sku-" + n);
            assertThat(r.triggeredAt()).isEqualTo(NOON);
        }
    }
}
