package io.mailflow.delivery;

import io.mailflow.job.Tags;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.SendResult;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Passes every send result on and copies failed ones to the dead letters with the server's reason. */
public final class SendOutcomeFunction extends ProcessFunction<SendResult, SendResult> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(SendResult r, Context ctx, Collector<SendResult> out) {
        if (!r.sent()) {
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("deliver", r.status() + " after " + r.attempts()
                    + " attempt(s): " + r.smtpReply(), r.requestId()));
        }
        out.collect(r);
    }
}
