package io.mailflow.campaigns;

import io.mailflow.common.Tags;
import io.mailflow.io.Json;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import io.mailflow.scoring.CampaignUpliftModel;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.UpliftModel;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Reads the campaigns' uplift models back from {@code topic.uplift-models}. Anything but a well-formed model (a
 * campaign id, a version of at least 1, two linear arms of the same non-empty length, every weight finite) goes to the
 * dead letters (stage {@code uplift-models}) with its reason and never reaches the targeting. A tombstone (empty
 * value) is skipped: the broadcast state keeps the last model.
 */
public final class ParseUpliftModelsFunction extends ProcessFunction<RawRecord, CampaignUpliftModel> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<CampaignUpliftModel> out) {
        if (raw.value() == null || raw.value().length == 0) {
            return;
        }
        CampaignUpliftModel m;
        String reason;
        try {
            m = Json.mapper().readValue(raw.value(), CampaignUpliftModel.class);
            reason = invalid(m);
        } catch (java.io.IOException | RuntimeException e) {
            m = null;
            reason = "malformed uplift model (" + e.getClass().getSimpleName() + ")";
        }
        if (reason == null) {
            out.collect(m);
        } else {
            ctx.output(
                    Tags.DEAD_LETTERS,
                    DeadLetter.of("uplift-models", reason, raw, DeadLetter.payloadText(raw.value())));
        }
    }

    /** Why {@code m} is not a model the targeting may use, or null. */
    static String invalid(CampaignUpliftModel m) {
        if (m == null || m.campaignId() == null || m.campaignId().isBlank()) {
            return "uplift model without a campaign id";
        }
        UpliftModel u = m.model();
        if (u == null || u.treated() == null || u.control() == null) {
            return "uplift model without both arms";
        }
        if (u.version() < 1) {
            return "uplift model with a version below 1";
        }
        String t = invalid(u.treated());
        String c = invalid(u.control());
        if (t != null || c != null) {
            return t != null ? t : c;
        }
        if (u.treated().coefficients().length != u.control().coefficients().length) {
            return "uplift model whose arms have different feature counts";
        }
        return null;
    }

    private static String invalid(LogRegModel arm) {
        if (arm.binned() != null || arm.coefficients() == null || arm.coefficients().length == 0) {
            return "uplift model arm that is not a linear model";
        }
        if (!Double.isFinite(arm.intercept())) {
            return "uplift model with a non-finite weight";
        }
        for (double w : arm.coefficients()) {
            if (!Double.isFinite(w)) {
                return "uplift model with a non-finite weight";
            }
        }
        return null;
    }
}
