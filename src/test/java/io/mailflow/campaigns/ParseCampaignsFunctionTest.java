package io.mailflow.campaigns;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.model.RawRecord;
import io.mailflow.testing.Downstream;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The campaign parser's guard covers parsing only, never the operators chained after it. */
class ParseCampaignsFunctionTest {

    @Test
    void aFailureDownstreamOfAValidCampaignIsNotReportedAsARejectedDocument() throws Exception {
        ParseCampaignsFunction f = new ParseCampaignsFunction(Campaigns.PARSER);
        try (var opened = ProcessFunctionTestHarnesses.forProcessFunction(f)) {
            RawRecord raw = RawRecord.of(
                    "campaigns",
                    0,
                    "id: c1\ntrigger: {type: abandoned-cart, delay: 1h}\nvariants: [{id: A, weight: 1, template: c1}]\n");
            assertThatThrownBy(() -> f.processElement(
                            raw, Downstream.sideOutputs(f), Downstream.<CampaignUpdate>failingOutput()))
                    .isInstanceOf(Downstream.Failure.class);
        }
    }

    @Test
    void aFailureDownstreamOfARejectionFailsTheTaskToo() throws Exception {
        ParseCampaignsFunction f = new ParseCampaignsFunction(Campaigns.PARSER);
        try (var opened = ProcessFunctionTestHarnesses.forProcessFunction(f)) {
            RawRecord raw = RawRecord.of("campaigns", 0, "id: c1\ntrigger: {type: no-such-trigger}\n");
            assertThatThrownBy(() -> f.processElement(
                            raw, Downstream.failingSideOutputs(f), Downstream.<CampaignUpdate>output()))
                    .isInstanceOf(Downstream.Failure.class);
        }
    }
}
