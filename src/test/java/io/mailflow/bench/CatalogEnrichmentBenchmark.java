package io.mailflow.bench;

import io.mailflow.catalog.CatalogSettings;
import io.mailflow.catalog.CatalogStage;
import io.mailflow.model.CatalogPolicy;
import io.mailflow.model.CatalogUpdate;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.SendRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Enrichment throughput: R requests of five items each through the keyed catalog join
 * ({@link CatalogStage#enrich}) against the same requests through an operator that does nothing, in one run, at
 * parallelism 2 on a local environment. The catalog (N items) is read first, as in a bounded replay, and the
 * figure is requests per second of wall time for the whole job (start-up included, the same for both).
 *
 * <pre>mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.CatalogEnrichmentBenchmark -Ddemo.args="--requests 200000 --items 100000"</pre>
 */
public final class CatalogEnrichmentBenchmark {
    private CatalogEnrichmentBenchmark() {}

    private static final long NOON = 1_795_953_600_000L;

    public static void main(String[] args) throws Exception {
        long requests = 200_000;
        long items = 100_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--requests" -> requests = Long.parseLong(args[i + 1]);
                case "--items" -> items = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        double without = run(requests, items, false);
        double with = run(requests, items, true);
        System.out.printf(
                "%,d requests of 5 items, %,d catalog items, parallelism 2: without catalog %,.0f requests/s,"
                        + " with the keyed catalog join %,.0f requests/s (%.0f%%)%n",
                requests, items, without, with, 100 * with / without);
    }

    private static double run(long requests, long items, boolean enrich) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        final long catalogSize = items;
        DataStream<EmailRequest> in = env.fromSequence(0, requests - 1)
                .map(i -> request(i, catalogSize))
                .returns(EmailRequest.class)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<EmailRequest>forMonotonousTimestamps()
                        .withTimestampAssigner((r, t) -> r.triggeredAt()));
        DataStream<EmailRequest> out;
        if (enrich) {
            DataStream<CatalogUpdate> catalog = env.fromSequence(0, items - 1)
                    .map(i -> CatalogUpdate.upsert(CatalogStateBenchmark.item((int) (long) i)))
                    .returns(CatalogUpdate.class);
            out = CatalogStage.enrich(in, catalog, new CatalogSettings(true, Duration.ofHours(1), 6))
                    .requests();
        } else {
            out = in.map(r -> r).returns(EmailRequest.class);
        }
        out.sinkTo(new DiscardingSink<>());
        long started = System.nanoTime();
        env.execute(enrich ? "with catalog" : "without catalog");
        return requests / ((System.nanoTime() - started) / 1e9);
    }

    static EmailRequest request(long i, long items) {
        List<LineItem> lines = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            long item = (i * 7919 + k * 104_729) % items;
            lines.add(new LineItem(String.format("sku-%07d", item), "c1", 10.0, 1, NOON));
        }
        return new EmailRequest(
                "r" + i,
                "abandoned-cart",
                "ABANDONED_CART",
                "abandoned-cart",
                "u" + (i % 50_000),
                NOON + i,
                "u" + i + "@0",
                lines,
                "USD",
                1L,
                "A",
                false,
                null,
                null,
                null,
                null,
                List.of(),
                Map.of(),
                new SendRules(0, 0L, 0, 0L, "", 0L, false, CatalogPolicy.SKIP.wireName(), false),
                NOON + i);
    }
}
