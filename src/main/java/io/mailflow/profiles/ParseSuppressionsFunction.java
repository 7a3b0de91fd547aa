package io.mailflow.profiles;

import io.mailflow.common.Tags;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import java.time.Duration;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Suppression events ({@code {"userId":..., "reason":..., "at":...}}) to contact updates, validated by
 * {@link SuppressionValidator}; anything else is a dead letter with the reason. No exception from a record
 * leaves this operator.
 */
public final class ParseSuppressionsFunction extends ProcessFunction<RawRecord, ContactUpdate> {
    private static final long serialVersionUID = 1L;
    private final SuppressionValidator validator;

    public ParseSuppressionsFunction() {
        this(Duration.ofHours(1));
    }

    public ParseSuppressionsFunction(Duration maxFutureSkew) {
        this.validator = new SuppressionValidator(maxFutureSkew);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ContactUpdate> out) {
        SuppressionValidator.Result r;
        try {
            r = validator.validate(raw.value(), raw.sourceTimestamp(), System.currentTimeMillis());
        } catch (RuntimeException | StackOverflowError e) {
            r = new SuppressionValidator.Result(
                    null, "invalid suppression event (" + e.getClass().getSimpleName() + ")");
        }
        if (r.update() != null) {
            out.collect(r.update());
        } else {
            ctx.output(
                    Tags.DEAD_LETTERS,
                    DeadLetter.of("suppression", r.error(), raw, DeadLetter.payloadText(raw.value())));
        }
    }
}
