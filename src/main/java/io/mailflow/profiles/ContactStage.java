package io.mailflow.profiles;

import io.mailflow.common.Tags;
import io.mailflow.common.Uids;
import io.mailflow.io.Untimed;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.RawRecord;
import io.mailflow.model.Suppression;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Contacts, at two points of the flow: {@link #attach} reads profiles and suppressions (including
 * erasure requests) early, because the models and triggers must forget erased users; {@link #join}
 * later gives each e-mail request its recipient.
 *
 * <pre>
 * profiles, suppressions -> parse -> contact updates -+-> erasures (models, triggers)
 *                                                     +-> suppressions and erasures (guardrails)
 * requests + contact updates (keyed by user) -> profile join -> addressed requests
 * </pre>
 */
public final class ContactStage {
    private ContactStage() {}

    /**
     * @param contacts every profile, suppression and erasure update
     * @param erasures ids of users erased on request
     * @param suppressionsAndErasures the updates that stop sends: suppressions, erasures and profiles without consent
     * @param deadLetters invalid profile and suppression records, with the reason
     */
    public record Contacts(
            DataStream<ContactUpdate> contacts,
            DataStream<String> erasures,
            DataStream<ContactUpdate> suppressionsAndErasures,
            DataStream<DeadLetter> deadLetters) {}

    /**
     * @param addressed requests with their recipient
     * @param erasureMarkers a marker per erased user (no personal data) for the suppressions topic
     * @param deadLetters requests without a usable profile, with the reason
     */
    public record Addressed(
            SingleOutputStreamOperator<AddressedRequest> addressed,
            DataStream<Suppression> erasureMarkers,
            DataStream<DeadLetter> deadLetters) {}

    public static Contacts attach(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> profileSource,
            Source<RawRecord, ?, ?> suppressionSource,
            ContactSettings settings) {
        SingleOutputStreamOperator<ContactUpdate> profiles = env.fromSource(
                        profileSource, watermarks(settings), "profiles")
                .setParallelism(1) // one partition: a reader without one would hold event time back
                .uid(Uids.PROFILES_SOURCE)
                .process(new ParseProfilesFunction(
                        settings.maxFutureSkew(), settings.pseudonyms(), settings.encryption()))
                .uid(Uids.PARSE_PROFILES)
                .name("parse profiles");
        SingleOutputStreamOperator<ContactUpdate> suppressions = env.fromSource(
                        suppressionSource, watermarks(settings), "suppressions")
                .setParallelism(1)
                .uid(Uids.SUPPRESSIONS_SOURCE)
                .process(new ParseSuppressionsFunction(
                        settings.maxFutureSkew(), settings.pseudonyms(), settings.encryption()))
                .uid(Uids.PARSE_SUPPRESSIONS)
                .name("parse suppressions");
        DataStream<ContactUpdate> contacts = profiles.union(suppressions);
        DataStream<String> erasures = contacts.filter(c -> c.kind() == ContactUpdate.Kind.ERASE)
                .uid(Uids.ERASURES)
                .name("erasures")
                .map(ContactUpdate::userId)
                .uid(Uids.ERASED_IDS)
                .name("erased users");
        // A profile without consent stops sends too: the guardrails cancel what they hold deferred for the user.
        // A re-subscription stops nothing; a campaign-type unsubscribe stops that type's sends only.
        DataStream<ContactUpdate> stops = contacts.filter(ContactUpdate::stops)
                .uid(Uids.SUPPRESSION_UPDATES)
                .name("suppressions and erasures");
        return new Contacts(
                contacts,
                erasures,
                stops,
                profiles.getSideOutput(Tags.DEAD_LETTERS).union(suppressions.getSideOutput(Tags.DEAD_LETTERS)));
    }

    public static Addressed join(
            DataStream<EmailRequest> requests, DataStream<ContactUpdate> contacts, ContactSettings settings) {
        SingleOutputStreamOperator<AddressedRequest> addressed = requests.keyBy(EmailRequest::userId)
                .connect(contacts.keyBy(ContactUpdate::userId))
                .process(new ProfileJoinFunction(settings.profileGrace(), settings.encryption()))
                .uid(Uids.PROFILE_JOIN)
                .name("join profiles");
        return new Addressed(
                addressed,
                addressed.getSideOutput(ProfileJoinFunction.ERASURES),
                addressed.getSideOutput(Tags.DEAD_LETTERS));
    }

    /**
     * Contact topics (profiles, suppressions) carry no event time. In a live job they are marked idle
     * ({@link Untimed}), so the requests alone drive the contact guardrail's event time: their own clock
     * (Kafka append time) is in another time domain and would, whenever the events went quiet, push event
     * time far ahead of the data. A bounded run holds every decision until the contact topics are read to
     * their end.
     */
    static WatermarkStrategy<RawRecord> watermarks(ContactSettings settings) {
        return settings.bounded() ? WatermarkStrategy.noWatermarks() : Untimed.watermarks();
    }
}
