package io.mailflow.guardrails;

import io.mailflow.common.Tags;
import io.mailflow.common.Uids;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.CampaignEvent;
import io.mailflow.model.ContactUpdate;
import java.time.Duration;
import java.time.LocalTime;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Guardrails: addressed requests + suppressions and erasures (keyed by user) -> frequency caps, quiet
 * hours in the recipient's zone, cooldowns, holdouts, suppressions -> released requests.
 */
public final class GuardrailStage {
    private GuardrailStage() {}

    /**
     * @param released requests allowed now (or after their deferral), in event-time order per user
     * @param decisions what the guardrails did with each request: released, holdout, deferred, dropped
     */
    public record Outputs(DataStream<AddressedRequest> released, DataStream<CampaignEvent> decisions) {}

    public static GuardrailPolicy policy(GuardrailSettings s) {
        return new GuardrailPolicy(
                new FrequencyCap(s.maxPerUser(), s.capWindow().toMillis()),
                new QuietHours(timeOfDay(s.quietStart()), timeOfDay(s.quietEnd())),
                s.onLimit(),
                s.maxDefer().toMillis(),
                s.staleGuard(),
                s.dryRun());
    }

    public static Outputs attach(
            DataStream<AddressedRequest> addressed,
            DataStream<ContactUpdate> suppressions,
            GuardrailSettings settings) {
        SingleOutputStreamOperator<AddressedRequest> released = addressed
                .keyBy(a -> a.request().userId())
                .connect(suppressions.keyBy(ContactUpdate::userId))
                .process(new GuardrailFunction(policy(settings), settings.clock(), settings.releaseRate()))
                .uid(Uids.GUARDRAILS)
                .name("guardrails (caps, quiet hours, cooldown)");
        return new Outputs(released, released.getSideOutput(Tags.CAMPAIGN_EVENTS));
    }

    static LocalTime timeOfDay(Duration sinceMidnight) {
        return LocalTime.MIDNIGHT.plus(sinceMidnight); // 24 h wraps to midnight
    }
}
