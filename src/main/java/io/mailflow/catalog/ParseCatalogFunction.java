package io.mailflow.catalog;

import io.mailflow.common.Tags;
import io.mailflow.model.CatalogUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns raw catalog records into item updates; everything else becomes a dead letter (stage {@code catalog})
 * with its reason. No exception leaves: it would fail the task and the restart would read the record again.
 */
public final class ParseCatalogFunction extends ProcessFunction<RawRecord, CatalogUpdate> {
    private static final long serialVersionUID = 1L;

    private final CatalogValidator validator;
    private transient Counter valid;
    private transient Counter invalid;

    public ParseCatalogFunction(CatalogValidator validator) {
        this.validator = validator;
    }

    @Override
    public void open(OpenContext ctx) {
        valid = getRuntimeContext().getMetricGroup().counter("catalogItemsValid");
        invalid = getRuntimeContext().getMetricGroup().counter("catalogItemsInvalid");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<CatalogUpdate> out) {
        CatalogValidator.Result r;
        try {
            r = validator.validate(raw.key(), raw.value(), System.currentTimeMillis());
        } catch (RuntimeException | StackOverflowError e) {
            r = new CatalogValidator.Result(
                    null, "invalid catalog item (" + e.getClass().getSimpleName() + ")");
        }
        if (r.valid()) {
            valid.inc();
            out.collect(r.update());
        } else {
            invalid.inc();
            ctx.output(
                    Tags.DEAD_LETTERS, DeadLetter.of("catalog", r.error(), raw, DeadLetter.payloadText(raw.value())));
        }
    }
}
