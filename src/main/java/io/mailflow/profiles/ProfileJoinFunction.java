package io.mailflow.profiles;

import io.mailflow.common.Tags;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Recipient;
import io.mailflow.model.Suppression;
import io.mailflow.model.UserProfile;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.PersonalDataCipher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
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
 * <p>Contact updates (profiles, suppressions) travel on their own topics, so they can arrive a little
 * after a request that depends on them; most of all when a job replays a backlog. Each request is
 * therefore decided by an event-time timer at {@code triggeredAt + grace}, which gives updates published
 * together with the triggering events time to arrive; in a bounded run (a replay) every decision waits
 * for the end of the contact topics. A suppression that arrived meanwhile wins over a profile that
 * arrived first.
 *
 * <p>Campaign types: a user can unsubscribe from one campaign type (the wire name of the request's trigger, e.g.
 * {@code win-back}) on the preference page; requests of that type are then dead-lettered while the others go on.
 * The latest choice per type is kept ({@link CampaignTypeChoice}), so a re-subscription later than the unsubscribe
 * lifts it. A re-subscription to all e-mails lifts an {@code UNSUBSCRIBED} suppression older than it and every
 * campaign-type unsubscribe older than it; never a bounce, a complaint or an erasure.
 *
 * <p>A GDPR erasure clears the profile and any request still waiting, and leaves only a suppression
 * marker (user id and reason, no personal data); it is also announced on {@link #ERASURES} so that the
 * rest of the job and downstream systems can forget the user.
 *
 * <p>With encryption on, profiles arrive with address and name encrypted ({@link ParseProfilesFunction}) and are
 * kept and passed on that way. A profile in plain text, restored from a savepoint taken without encryption, is
 * encrypted in place the first time it is read (a request or a contact update for the user): the one-time upgrade
 * of docs/privacy.md.
 */
public final class ProfileJoinFunction
        extends KeyedCoProcessFunction<String, EmailRequest, ContactUpdate, AddressedRequest> {
    private static final long serialVersionUID = 1L;
    /** Users erased on request, for the rest of the pipeline to forget them. */
    public static final OutputTag<Suppression> ERASURES = new OutputTag<>("erasures") {};

    /** Most campaign types whose choice is kept per user. */
    static final int MAX_CAMPAIGN_TYPES = 32;

    private final long graceMs;
    private final EncryptionSettings encryptionSettings;
    private transient PersonalDataCipher cipher;
    private transient Counter upgraded;
    private transient ValueState<UserProfile> profile;
    private transient ValueState<Suppression> suppression;
    private transient MapState<Long, List<EmailRequest>> waiting;
    private transient MapState<String, CampaignTypeChoice> typeChoices;
    private transient Counter blocked;

    public ProfileJoinFunction(Duration grace) {
        this(grace, EncryptionSettings.DISABLED);
    }

    public ProfileJoinFunction(Duration grace, EncryptionSettings encryption) {
        this.graceMs = grace.toMillis();
        this.encryptionSettings = encryption;
    }

    // State descriptors, declared once: the operator, the state tools and the savepoint tests use these.

    public static ValueStateDescriptor<UserProfile> profileDescriptor() {
        return new ValueStateDescriptor<>("profile", UserProfile.class);
    }

    public static ValueStateDescriptor<Suppression> suppressionDescriptor() {
        return new ValueStateDescriptor<>("suppression", Suppression.class);
    }

    /** Requests waiting for their user's profile, by the event time at which they give up. */
    public static MapStateDescriptor<Long, List<EmailRequest>> waitingDescriptor() {
        return new MapStateDescriptor<>(
                "requests-waiting", Types.LONG, Types.LIST(TypeInformation.of(EmailRequest.class)));
    }

    /** The user's latest choice per campaign type (unsubscribed or subscribed again). */
    public static MapStateDescriptor<String, CampaignTypeChoice> typeChoicesDescriptor() {
        return new MapStateDescriptor<>(
                "campaign-type-choices", Types.STRING, TypeInformation.of(CampaignTypeChoice.class));
    }

    @Override
    public void open(OpenContext ctx) {
        profile = getRuntimeContext().getState(profileDescriptor());
        suppression = getRuntimeContext().getState(suppressionDescriptor());
        waiting = getRuntimeContext().getMapState(waitingDescriptor());
        typeChoices = getRuntimeContext().getMapState(typeChoicesDescriptor());
        blocked = getRuntimeContext().getMetricGroup().counter("requestsBlockedByContactRules");
        upgraded = getRuntimeContext().getMetricGroup().counter("plainProfilesEncrypted");
        cipher = encryptionSettings.open();
    }

    @Override
    public void close() {
        if (cipher != null) {
            cipher.close();
        }
    }

    /** The stored profile; one kept in plain text from before encryption is encrypted in place first. */
    private UserProfile storedProfile() throws Exception {
        UserProfile p = profile.value();
        if (cipher != null && p != null && Encrypted.isPlain(p)) {
            p = Encrypted.profile(p, cipher);
            profile.update(p);
            upgraded.inc();
        }
        return p;
    }

    @Override
    public void processElement1(EmailRequest request, Context ctx, Collector<AddressedRequest> out) throws Exception {
        long decideAt = request.triggeredAt() + graceMs;
        if (decideAt <= ctx.timerService().currentWatermark()) {
            // A timer behind the watermark would only fire at its next advance, which may be long in coming.
            decide(request, ctx, out);
            return;
        }
        List<EmailRequest> due = waiting.get(decideAt);
        List<EmailRequest> next = due == null ? new ArrayList<>() : new ArrayList<>(due);
        next.add(request);
        waiting.put(decideAt, next);
        ctx.timerService().registerEventTimeTimer(decideAt);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AddressedRequest> out) throws Exception {
        List<EmailRequest> due = waiting.get(timestamp);
        if (due == null) {
            return;
        }
        waiting.remove(timestamp);
        for (EmailRequest r : due) {
            decide(r, ctx, out);
        }
    }

    private void decide(EmailRequest request, Context ctx, Collector<AddressedRequest> out) throws Exception {
        UserProfile p = storedProfile();
        Suppression s = suppression.value();
        String reason = null;
        if (s != null) {
            reason = "user " + request.userId() + " is suppressed (" + s.reason() + ")";
        } else if (p == null) {
            reason = "no profile for user " + request.userId();
        } else if (!p.consent()) {
            reason = "user " + request.userId() + " has not consented to e-mail";
        }
        if (reason == null) {
            String type = ContactUpdate.campaignTypeOf(request.trigger());
            CampaignTypeChoice c = typeChoices.get(type);
            if (c != null && c.unsubscribed()) {
                reason = "user " + request.userId() + " unsubscribed from " + type + " e-mails";
            }
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
            case PROFILE -> applyProfile(update.profile());
            case SUPPRESS -> {
                if (update.campaignType() != null) {
                    choose(update.campaignType(), true, update.at());
                    return;
                }
                // Not "first wins": the strongest reason is kept, and the most recent among equals
                // (SuppressionValidator.rank), so a complaint after an unsubscribe is not lost.
                Suppression current = suppression.value();
                if (current == null
                        || SuppressionValidator.replaces(
                                update.reason(), update.at(), current.reason(), current.at())) {
                    suppression.update(new Suppression(update.userId(), update.reason(), null, update.at()));
                }
            }
            case RESUBSCRIBE -> resubscribe(update);
            case ERASE -> {
                profile.clear();
                typeChoices.clear();
                for (Map.Entry<Long, List<EmailRequest>> e : waiting.entries()) {
                    ctx.timerService().deleteEventTimeTimer(e.getKey());
                    for (EmailRequest r : e.getValue()) {
                        ctx.output(
                                Tags.DEAD_LETTERS,
                                DeadLetter.of("profile", "user " + r.userId() + " was erased", r.requestId()));
                    }
                }
                waiting.clear();
                Suppression erased = new Suppression(update.userId(), "ERASED", null, update.at());
                suppression.update(erased);
                ctx.output(ERASURES, erased);
            }
        }
    }

    /** Keeps the later of the stored and the new choice for a campaign type. */
    private void choose(String type, boolean unsubscribed, long at) throws Exception {
        CampaignTypeChoice current = typeChoices.get(type);
        if (current == null && size(typeChoices) >= MAX_CAMPAIGN_TYPES) {
            return; // bounded: more types than any campaign catalogue has is a flood, not a person's choices
        }
        if (current == null || at >= current.at()) {
            typeChoices.put(type, new CampaignTypeChoice(unsubscribed, at));
        }
    }

    private static int size(MapState<String, CampaignTypeChoice> m) throws Exception {
        int n = 0;
        for (String ignored : m.keys()) {
            n++;
        }
        return n;
    }

    private void resubscribe(ContactUpdate update) throws Exception {
        if (update.campaignType() != null) {
            // kept, not removed: an older unsubscribe arriving after it must not win
            choose(update.campaignType(), false, update.at());
            return;
        }
        Suppression s = suppression.value();
        if (s != null && s.reason().equals("UNSUBSCRIBED") && update.at() > s.at()) {
            suppression.clear();
        }
        List<String> lifted = new ArrayList<>();
        for (Map.Entry<String, CampaignTypeChoice> c : typeChoices.entries()) {
            if (update.at() >= c.getValue().at()) {
                lifted.add(c.getKey());
            }
        }
        for (String type : lifted) {
            typeChoices.remove(type);
        }
    }

    private void applyProfile(UserProfile next) throws Exception {
        UserProfile current = storedProfile();
        if (current == null || next.updatedAt() >= current.updatedAt()) {
            profile.update(next);
        }
        // Opting in again after an unsubscribe or an erasure lifts it; bounces and complaints need an
        // operator's decision (an explicit suppression removal), not just a profile update.
        Suppression s = suppression.value();
        if (s != null
                && next.consent()
                && next.updatedAt() > s.at()
                && (s.reason().equals("UNSUBSCRIBED") || s.reason().equals("ERASED"))) {
            suppression.clear();
        }
    }
}
