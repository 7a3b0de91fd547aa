package io.mailflow.catalog;

import io.mailflow.common.Tags;
import io.mailflow.common.Uids;
import io.mailflow.io.Untimed;
import io.mailflow.model.CatalogUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The product catalog: {@link #attach} reads and validates the compacted catalog topic; {@link #enrich} joins
 * e-mail requests with it as keyed state (not broadcast state, which would copy the whole catalog to every
 * subtask) and applies the campaign's catalog rules.
 *
 * <pre>
 * catalog source -> parse --(dead letters)--> item updates
 * requests -> split into item lookups -> keyBy(item) + item updates keyBy(item) -> look up (event time)
 *          -> keyBy(request) + requests keyBy(request) -> assemble, apply the rules --(dead letters)--> requests
 * </pre>
 */
public final class CatalogStage {
    private CatalogStage() {}

    /** @param updates valid item versions and removals; @param deadLetters invalid catalog records */
    public record Catalog(DataStream<CatalogUpdate> updates, DataStream<DeadLetter> deadLetters) {}

    /** @param requests the requests to send, with their products; @param deadLetters requests the catalog stopped */
    public record Enriched(DataStream<EmailRequest> requests, DataStream<DeadLetter> deadLetters) {}

    public static Catalog attach(StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source, CatalogSettings s) {
        SingleOutputStreamOperator<CatalogUpdate> parsed = env.fromSource(source, watermarks(s), "catalog")
                .setParallelism(1) // a small number of partitions; a reader without one would hold event time back
                .uid(Uids.CATALOG_SOURCE)
                .process(new ParseCatalogFunction(new CatalogValidator(s.maxFutureSkew())))
                .setParallelism(1)
                .uid(Uids.PARSE_CATALOG)
                .name("parse catalog");
        return new Catalog(parsed, parsed.getSideOutput(Tags.DEAD_LETTERS));
    }

    public static Enriched enrich(
            DataStream<EmailRequest> requests, DataStream<CatalogUpdate> catalog, CatalogSettings settings) {
        DataStream<ItemLookup> lookups = requests.<ItemLookup>flatMap((r, out) -> {
                    for (ItemLookup l : CatalogEnrichment.split(r)) {
                        out.collect(l);
                    }
                })
                .returns(TypeInformation.of(ItemLookup.class))
                .uid(Uids.CATALOG_SPLIT)
                .name("split requests into item lookups");
        DataStream<ItemLookup> answered = lookups.keyBy(ItemLookup::itemId)
                .connect(catalog.keyBy(CatalogUpdate::itemId))
                .process(new CatalogLookupFunction())
                .uid(Uids.CATALOG_LOOKUP)
                .name("look up catalog items");
        SingleOutputStreamOperator<EmailRequest> assembled = requests.keyBy(EmailRequest::requestId)
                .connect(answered.keyBy(ItemLookup::requestId))
                .process(new RequestAssemblyFunction(settings.recommendationsPerEmail()))
                .uid(Uids.CATALOG_ASSEMBLE)
                .name("assemble requests with their products");
        return new Enriched(assembled, assembled.getSideOutput(Tags.DEAD_LETTERS));
    }

    /** As the contact topics: no event time; idle in a live job, holding event time back in a bounded one. */
    static WatermarkStrategy<RawRecord> watermarks(CatalogSettings s) {
        return s.bounded() ? WatermarkStrategy.noWatermarks() : Untimed.watermarks();
    }
}
