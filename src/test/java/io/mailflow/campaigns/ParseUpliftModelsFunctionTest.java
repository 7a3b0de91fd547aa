package io.mailflow.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.io.Json;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import io.mailflow.scoring.CampaignUpliftModel;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.UpliftModel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The uplift models read back from their topic: a model as the job writes it passes, anything else is dead-lettered. */
class ParseUpliftModelsFunctionTest {
    static CampaignUpliftModel model(double[] treated, double[] control, long version) {
        return new CampaignUpliftModel(
                "cart",
                new UpliftModel(
                        version, new LogRegModel(version, treated, -1, 10), new LogRegModel(version, control, -1, 10)));
    }

    static RawRecord raw(byte[] value) {
        return new RawRecord("mailflow.uplift-models", 0, 0, 0L, "cart".getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void aWrittenModelReadsBackAndBadOnesAreDeadLetteredWithTheReason() throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ParseUpliftModelsFunction()));
        h.open();
        CampaignUpliftModel good = model(new double[] {1, 2}, new double[] {0, 0}, 3);
        List<byte[]> bad = List.of(
                Json.toBytes(model(new double[] {1, 2}, new double[] {0}, 3)),
                Json.toBytes(model(new double[] {1, 2}, new double[] {0, 0}, 0)),
                "{\"campaignId\":\"cart\"}".getBytes(StandardCharsets.UTF_8),
                "{\"campaignId\":\"cart\",\"model\":{\"version\":2,\"treated\":{\"coefficients\":[\"NaN\"],\"intercept\":0},\"control\":{\"coefficients\":[0],\"intercept\":0}}}"
                        .getBytes(StandardCharsets.UTF_8),
                "not json".getBytes(StandardCharsets.UTF_8));
        h.processElement(new StreamRecord<>(raw(Json.toBytes(good))));
        for (byte[] b : bad) {
            h.processElement(new StreamRecord<>(raw(b)));
        }
        h.processElement(new StreamRecord<>(raw(new byte[0])));
        assertThat(h.extractOutputValues()).hasSize(1);
        CampaignUpliftModel read = h.extractOutputValues().get(0);
        assertThat(read.model().uplift(new double[] {1, 1}))
                .isEqualTo(good.model().uplift(new double[] {1, 1}));
        List<String> reasons = h.getSideOutput(Tags.DEAD_LETTERS).stream()
                .map(r -> ((StreamRecord<DeadLetter>) r).getValue().reason())
                .toList();
        assertThat(reasons)
                .containsExactly(
                        "uplift model whose arms have different feature counts",
                        "uplift model with a version below 1",
                        "uplift model without both arms",
                        "uplift model with a non-finite weight",
                        "malformed uplift model (JsonParseException)");
        h.close();
    }
}
