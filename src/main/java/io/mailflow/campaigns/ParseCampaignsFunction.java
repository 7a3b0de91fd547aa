package io.mailflow.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.common.Tags;
import io.mailflow.model.CampaignStatus;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses and validates control-topic records into campaign updates. An invalid definition goes to the
 * dead letters (stage {@code campaign}, with the payload) and to the campaign-status output as
 * {@code REJECTED} with every reason; it never reaches broadcast state, so running campaigns are untouched.
 */
public final class ParseCampaignsFunction extends ProcessFunction<RawRecord, CampaignUpdate> {
    private static final long serialVersionUID = 1L;

    private final CampaignParser parser;

    public ParseCampaignsFunction(CampaignParser parser) {
        this.parser = parser;
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<CampaignUpdate> out) {
        String source = raw.topic() + "/" + raw.partition() + "@" + raw.offset();
        String payload = new String(raw.value(), StandardCharsets.UTF_8);
        String id = "?";
        List<String> reasons;
        CampaignUpdate update = null;
        try {
            if (raw.value().length == 0) {
                throw new InvalidCampaignException(
                        "?", List.of("empty payload (to delete a campaign, publish it with status: deleted)"));
            }
            JsonNode doc = CampaignDocuments.parse(raw.value());
            if (doc != null && doc.hasNonNull("id")) {
                id = doc.get("id").asText();
            }
            update = new CampaignUpdate(parser.parse(doc), source);
            reasons = List.of();
        } catch (InvalidCampaignException e) {
            reasons = e.reasons();
        } catch (java.io.IOException | RuntimeException e) {
            reasons = List.of("malformed campaign document: " + firstLine(e.getMessage()));
        }
        if (update != null) {
            // Outside the guard: a failure downstream in the chain is not this document's fault.
            out.collect(update);
            return;
        }
        String reason = String.join("; ", reasons);
        ctx.output(
                Tags.DEAD_LETTERS,
                DeadLetter.of(
                        "campaign",
                        "campaign '" + id + "' rejected: " + reason,
                        raw,
                        payload.length() > 16_384 ? payload.substring(0, 16_384) : payload));
        ctx.output(
                Tags.CAMPAIGN_STATUS,
                new CampaignStatus(id, 0L, CampaignStatus.REJECTED, reason, source, System.currentTimeMillis(), -1));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
