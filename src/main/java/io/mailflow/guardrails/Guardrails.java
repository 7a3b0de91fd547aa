package io.mailflow.guardrails;

import static io.mailflow.config.MailflowOptions.GUARDRAILS_CAP_WINDOW;
import static io.mailflow.config.MailflowOptions.GUARDRAILS_MAX_DEFER;
import static io.mailflow.config.MailflowOptions.GUARDRAILS_MAX_PER_USER;
import static io.mailflow.config.MailflowOptions.GUARDRAILS_ON_LIMIT;
import static io.mailflow.config.MailflowOptions.GUARDRAILS_QUIET_END;
import static io.mailflow.config.MailflowOptions.GUARDRAILS_QUIET_START;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.job.Uids;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.ContactUpdate;
import java.time.Duration;
import java.time.LocalTime;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Builds the guardrail policy from the configuration and attaches the guardrail operator. */
public final class Guardrails {
    private Guardrails() {}

    public static GuardrailPolicy policy(MailflowConfig config) {
        return new GuardrailPolicy(
                new FrequencyCap(config.get(GUARDRAILS_MAX_PER_USER), config.get(GUARDRAILS_CAP_WINDOW).toMillis()),
                new QuietHours(timeOfDay(config.get(GUARDRAILS_QUIET_START)), timeOfDay(config.get(GUARDRAILS_QUIET_END))),
                config.get(GUARDRAILS_ON_LIMIT) == MailflowOptions.LimitAction.DEFER,
                config.get(GUARDRAILS_MAX_DEFER).toMillis());
    }

    /** Keyed by user; the released requests continue to rendering, decisions leave through {@code Tags.CAMPAIGN_EVENTS}. */
    public static SingleOutputStreamOperator<AddressedRequest> attach(
            DataStream<AddressedRequest> addressed, DataStream<ContactUpdate> suppressions, MailflowConfig config) {
        return addressed
                .keyBy(a -> a.request().userId())
                .connect(suppressions.keyBy(ContactUpdate::userId))
                .process(new GuardrailFunction(policy(config)))
                .uid(Uids.GUARDRAILS)
                .name("guardrails (caps, quiet hours, cooldown)");
    }

    static LocalTime timeOfDay(Duration sinceMidnight) {
        return LocalTime.MIDNIGHT.plus(sinceMidnight); // 24 h wraps to midnight
    }
}
