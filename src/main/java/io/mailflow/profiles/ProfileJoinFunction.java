package io.mailflow.profiles;

import io.mailflow.job.Tags;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Recipient;
import io.mailflow.model.UserProfile;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps the latest profile per user and addresses e-mail requests with it. A request for a user
 * without a profile, or who has not consented, is dead-lettered with the reason rather than dropped.
 */
public final class ProfileJoinFunction
        extends KeyedCoProcessFunction<String, EmailRequest, UserProfile, AddressedRequest> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<UserProfile> profile;

    @Override
    public void open(OpenContext ctx) {
        profile = getRuntimeContext().getState(new ValueStateDescriptor<>("profile", UserProfile.class));
    }

    @Override
    public void processElement1(EmailRequest request, Context ctx, Collector<AddressedRequest> out) throws Exception {
        UserProfile p = profile.value();
        if (p == null) {
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("profile", "no profile for user " + request.userId(), request.requestId()));
        } else if (!p.consent()) {
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("profile", "user " + request.userId() + " has not consented to e-mail", request.requestId()));
        } else {
            out.collect(new AddressedRequest(request, Recipient.of(p)));
        }
    }

    @Override
    public void processElement2(UserProfile update, Context ctx, Collector<AddressedRequest> out) throws Exception {
        UserProfile current = profile.value();
        if (current == null || update.updatedAt() >= current.updatedAt()) {
            profile.update(update);
        }
    }
}
