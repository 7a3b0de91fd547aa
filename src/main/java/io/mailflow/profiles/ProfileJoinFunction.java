package io.mailflow.profiles;

import io.mailflow.job.Tags;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Recipient;
import io.mailflow.model.Suppression;
import io.mailflow.model.UserProfile;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The first guardrail: may this user be e-mailed at all? Keeps the latest profile and any suppression
 * per user, and addresses e-mail requests with the profile. A request for a user without a profile,
 * without consent or suppressed (bounced, complained, unsubscribed, erased) is dead-lettered with the
 * reason rather than dropped.
 *
 * <p>A GDPR erasure clears the profile and leaves only a suppression marker (user id and reason, no
 * personal data), so a later request for that user cannot be sent; it is also announced on
 * {@link #ERASURES} so that the rest of the job and downstream systems can forget the user.
 */
public final class ProfileJoinFunction extends KeyedCoProcessFunction<String, EmailRequest, ContactUpdate, AddressedRequest> {
    private static final long serialVersionUID = 1L;
    /** Users erased on request, for the rest of the pipeline to forget them. */
    public static final OutputTag<Suppression> ERASURES = new OutputTag<>("erasures") {};

    private transient ValueState<UserProfile> profile;
    private transient ValueState<Suppression> suppression;
    private transient Counter blocked;

    @Override
    public void open(OpenContext ctx) {
        profile = getRuntimeContext().getState(new ValueStateDescriptor<>("profile", UserProfile.class));
        suppression = getRuntimeContext().getState(new ValueStateDescriptor<>("suppression", Suppression.class));
        blocked = getRuntimeContext().getMetricGroup().counter("requestsBlockedByContactRules");
    }

    @Override
    public void processElement1(EmailRequest request, Context ctx, Collector<AddressedRequest> out) throws Exception {
        UserProfile p = profile.value();
        Suppression s = suppression.value();
        String reason = null;
        if (s != null) {
            reason = "user " + request.userId() + " is suppressed (" + s.reason() + ")";
        } else if (p == null) {
            reason = "no profile for user " + request.userId();
        } else if (!p.consent()) {
            reason = "user " + request.userId() + " has not consented to e-mail";
        }
        if (reason != null) {
            blocked.inc();
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("profile", reason, request.requestId()));
        } else {
            out.collect(new AddressedRequest(request, Recipient.of(p)));
        }
    }

    @Override
    public void processElement2(ContactUpdate update, Context ctx, Collector<AddressedRequest> out) throws Exception {
        switch (update.kind()) {
            case PROFILE -> {
                UserProfile current = profile.value();
                UserProfile next = update.profile();
                if (current == null || next.updatedAt() >= current.updatedAt()) {
                    profile.update(next);
                }
                // Opting in again after an unsubscribe or an erasure lifts it; bounces and complaints need
                // an operator's decision (an explicit suppression removal), not just a profile update.
                Suppression s = suppression.value();
                if (s != null && next.consent() && next.updatedAt() > s.at()
                        && (s.reason().equals("UNSUBSCRIBED") || s.reason().equals("ERASED"))) {
                    suppression.clear();
                }
            }
            case SUPPRESS -> {
                if (suppression.value() == null) {
                    suppression.update(new Suppression(update.userId(), update.reason(), null, update.at()));
                }
            }
            case ERASE -> {
                profile.clear();
                Suppression erased = new Suppression(update.userId(), "ERASED", null, update.at());
                suppression.update(erased);
                ctx.output(ERASURES, erased);
            }
        }
    }
}
