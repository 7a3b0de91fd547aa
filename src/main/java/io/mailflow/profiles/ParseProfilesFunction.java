package io.mailflow.profiles;

import io.mailflow.job.Tags;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import io.mailflow.model.UserProfile;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Raw profile records to profiles; invalid ones become dead letters. The payload is not copied into
 * the dead letter because it holds personal data; its topic, partition and offset identify it.
 */
public final class ParseProfilesFunction extends ProcessFunction<RawRecord, UserProfile> {
    private static final long serialVersionUID = 1L;
    private final ProfileParser parser = new ProfileParser();

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<UserProfile> out) {
        ProfileParser.Result r = parser.parse(raw.value());
        if (r.profile() != null) {
            out.collect(r.profile());
        } else {
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("profile", r.error(), raw, "<withheld: personal data>"));
        }
    }
}
