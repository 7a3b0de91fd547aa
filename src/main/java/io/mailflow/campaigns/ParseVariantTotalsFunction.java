package io.mailflow.campaigns;

import io.mailflow.common.Tags;
import io.mailflow.io.Json;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Reads the global bandit's totals back from {@code topic.variant-stats}. Anything but a well-formed total (ids
 * present, counts and version not negative, no more conversions than exposures) goes to the dead letters (stage
 * {@code variant-stats}) with its reason and never reaches the sampler. A tombstone (empty value: someone compacted
 * a variant away) is skipped: the broadcast state keeps the last total, and the aggregator's next one replaces it.
 */
public final class ParseVariantTotalsFunction extends ProcessFunction<RawRecord, VariantTotal> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<VariantTotal> out) {
        if (raw.value() == null || raw.value().length == 0) {
            return;
        }
        VariantTotal t;
        String reason;
        try {
            t = Json.mapper().readValue(raw.value(), VariantTotal.class);
            reason = invalid(t);
        } catch (java.io.IOException | RuntimeException e) {
            t = null;
            reason = "malformed variant total (" + e.getClass().getSimpleName() + ")";
        }
        if (reason == null) {
            out.collect(t);
        } else {
            ctx.output(
                    Tags.DEAD_LETTERS,
                    DeadLetter.of("variant-stats", reason, raw, DeadLetter.payloadText(raw.value())));
        }
    }

    /** Why {@code t} is not a total the sampler may use, or null. */
    static String invalid(VariantTotal t) {
        if (t == null || t.campaignId() == null || t.campaignId().isBlank()) {
            return "variant total without a campaign id";
        }
        if (t.variant() == null || t.variant().isBlank()) {
            return "variant total without a variant id";
        }
        if (t.exposures() < 0 || t.conversions() < 0 || t.version() < 1) {
            return "variant total with a negative count or a version below 1";
        }
        if (t.conversions() > t.exposures()) {
            return "variant total with more conversions than exposures";
        }
        return null;
    }
}
