package io.mailflow.catalog;

import io.mailflow.common.Tags;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.EmailRequest;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins each request (input 1) with its answered lookups (input 2), keyed by request id, and applies the
 * catalog's rules ({@link CatalogEnrichment}) once all of them are in. Both inputs come from the same request
 * stream, so in an exactly-once job every lookup of a request arrives exactly once, in any order relative to the
 * request; state is cleared as soon as the request is complete. A request without items and recommendations is
 * passed on at once.
 */
public final class RequestAssemblyFunction
        extends KeyedCoProcessFunction<String, EmailRequest, ItemLookup, EmailRequest> {
    private static final long serialVersionUID = 1L;

    private final int maxRecommendations;
    private transient ValueState<EmailRequest> request;
    private transient MapState<Integer, ItemLookup> parts;
    private transient Counter skipped;

    /** @param maxRecommendations how many recommendations an e-mail keeps at most */
    public RequestAssemblyFunction(int maxRecommendations) {
        this.maxRecommendations = maxRecommendations;
    }

    public static ValueStateDescriptor<EmailRequest> requestDescriptor() {
        return new ValueStateDescriptor<>("catalog-request", EmailRequest.class);
    }

    /** Answered lookups by slot (a slot once: a lookup that came twice would not count twice). */
    public static MapStateDescriptor<Integer, ItemLookup> partsDescriptor() {
        return new MapStateDescriptor<>("catalog-parts", Types.INT, TypeInformation.of(ItemLookup.class));
    }

    @Override
    public void open(OpenContext ctx) {
        request = getRuntimeContext().getState(requestDescriptor());
        parts = getRuntimeContext().getMapState(partsDescriptor());
        skipped = getRuntimeContext().getMetricGroup().counter("requestsSkippedByCatalog");
    }

    @Override
    public void processElement1(EmailRequest r, Context ctx, Collector<EmailRequest> out) throws Exception {
        request.update(r);
        tryComplete(ctx, out);
    }

    @Override
    public void processElement2(ItemLookup part, Context ctx, Collector<EmailRequest> out) throws Exception {
        parts.put(part.slot(), part);
        tryComplete(ctx, out);
    }

    private void tryComplete(Context ctx, Collector<EmailRequest> out) throws Exception {
        EmailRequest r = request.value();
        if (r == null) {
            return;
        }
        int expected = CatalogEnrichment.ids(r).size();
        Map<Integer, CatalogItem> looked = new HashMap<>();
        for (Map.Entry<Integer, ItemLookup> e : parts.entries()) {
            looked.put(e.getKey(), e.getValue().item());
        }
        if (looked.size() < expected) {
            return;
        }
        request.clear();
        parts.clear();
        CatalogEnrichment.Outcome o = CatalogEnrichment.apply(r, looked, maxRecommendations);
        if (o.request() != null) {
            out.collect(o.request());
        } else {
            skipped.inc();
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("catalog", o.reason(), r.requestId()));
        }
    }
}
