package io.mailflow.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Suppression;
import io.mailflow.model.UserProfile;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProfileJoinFunctionTest {
    private KeyedTwoInputStreamOperatorTestHarness<String, EmailRequest, ContactUpdate, AddressedRequest> h;

    @BeforeEach
    void setUp() throws Exception {
        h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new ProfileJoinFunction(java.time.Duration.ofSeconds(10))),
                EmailRequest::userId,
                ContactUpdate::userId,
                Types.STRING);
        h.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    static EmailRequest request(String user, String id) {
        return new EmailRequest(
                id, "abandoned-cart", "ABANDONED_CART", "abandoned-cart", user, 0L, user + "@0", List.of(), "USD");
    }

    static UserProfile profile(String user, boolean consent, long at) {
        return new UserProfile(user, user + "@example.com", "N", "en", "UTC", consent, at);
    }

    @Test
    void addressesRequestsWithTheLatestProfile() throws Exception {
        h.processElement2(ContactUpdate.profile(profile("u1", true, 2)), 0);
        h.processElement2(
                ContactUpdate.profile(new UserProfile("u1", "old@example.com", "N", "en", "UTC", true, 1)), 0);
        h.processElement1(request("u1", "r1"), 0);
        decide();
        assertThat(h.extractOutputValues())
                .singleElement()
                .satisfies(a -> assertThat(a.recipient().email()).isEqualTo("u1@example.com"));
    }

    @Test
    void aComplaintAfterAnUnsubscribeIsKeptAndAnOptInDoesNotLiftIt() throws Exception {
        h.processElement2(ContactUpdate.profile(profile("u1", true, 1)), 0);
        h.processElement2(ContactUpdate.suppress("u1", "UNSUBSCRIBED", 5), 0);
        h.processElement2(ContactUpdate.suppress("u1", "COMPLAINED", 6), 0);
        h.processElement2(ContactUpdate.suppress("u1", "UNSUBSCRIBED", 7), 0); // weaker, even though newer
        h.processElement2(ContactUpdate.profile(profile("u1", true, 10)), 0); // opting in lifts only an unsubscribe
        h.processElement1(request("u1", "r1"), 0);
        decide();
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.getSideOutput(Tags.DEAD_LETTERS))
                .extracting(r -> r.getValue().reason())
                .containsExactly("user u1 is suppressed (COMPLAINED)");
    }

    @Test
    void suppressedUsersAreDeadLetteredWithTheReason() throws Exception {
        h.processElement2(ContactUpdate.profile(profile("u1", true, 1)), 0);
        h.processElement2(ContactUpdate.suppress("u1", "BOUNCED", 5), 0);
        h.processElement1(request("u1", "r1"), 0);
        decide();
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).extracting(DeadLetter::reason).containsExactly("user u1 is suppressed (BOUNCED)");
        // a profile update does not lift a bounce
        h.processElement2(ContactUpdate.profile(profile("u1", true, 10)), 0);
        h.processElement1(request("u1", "r2"), 0);
        decide();
        assertThat(h.extractOutputValues()).isEmpty();
    }

    @Test
    void optingInAgainLiftsAnUnsubscribe() throws Exception {
        h.processElement2(ContactUpdate.profile(profile("u1", true, 1)), 0);
        h.processElement2(ContactUpdate.suppress("u1", "UNSUBSCRIBED", 5), 0);
        h.processElement2(ContactUpdate.profile(profile("u1", true, 9)), 0);
        h.processElement1(request("u1", "r1"), 0);
        decide();
        assertThat(h.extractOutputValues()).hasSize(1);
    }

    @Test
    void erasureForgetsTheProfileKeepsOnlyASuppressionAndIsAnnounced() throws Exception {
        h.processElement2(ContactUpdate.profile(profile("u1", true, 1)), 0);
        h.processElement2(ContactUpdate.unsubscribeFrom("u1", "win-back", 3), 0);
        h.processElement2(ContactUpdate.erase("u1", 7), 0);
        h.processElement1(request("u1", "r1"), 0);
        decide();
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).extracting(DeadLetter::reason).containsExactly("user u1 is suppressed (ERASED)");
        assertThat(h.getSideOutput(ProfileJoinFunction.ERASURES))
                .extracting(StreamRecord::getValue)
                .containsExactly(new Suppression("u1", "ERASED", null, 7));
        // exactly one state entry is left for the user: the suppression marker, with no address in it
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
    }

    static EmailRequest request(String user, String id, String trigger) {
        String campaign = ContactUpdate.campaignTypeOf(trigger);
        return new EmailRequest(id, campaign, trigger, campaign, user, 0L, user + "@0", List.of(), "USD");
    }

    @Test
    void aCampaignTypeUnsubscribeBlocksOnlyThatTypeUntilTheUserSubscribesAgain() throws Exception {
        h.processElement2(ContactUpdate.profile(profile("u1", true, 1)), 0);
        h.processElement2(ContactUpdate.unsubscribeFrom("u1", "win-back", 5), 0);
        h.processElement2(ContactUpdate.resubscribe("u1", "win-back", 4), 0); // older: the unsubscribe stays
        h.processElement1(request("u1", "r1", "WIN_BACK"), 0);
        h.processElement1(request("u1", "r2", "ABANDONED_CART"), 0);
        decide();
        assertThat(h.extractOutputValues())
                .extracting(a -> a.request().requestId())
                .containsExactly("r2");
        assertThat(deadLetters())
                .extracting(DeadLetter::reason)
                .containsExactly("user u1 unsubscribed from win-back e-mails");

        h.processElement2(ContactUpdate.resubscribe("u1", "win-back", 9), 0);
        h.processElement1(request("u1", "r3", "WIN_BACK"), 0);
        decide();
        assertThat(h.extractOutputValues())
                .extracting(a -> a.request().requestId())
                .containsExactly("r2", "r3");
    }

    @Test
    void resubscribingToAllLiftsAnUnsubscribeAndTypeUnsubscribesButNotAComplaint() throws Exception {
        h.processElement2(ContactUpdate.profile(profile("u1", true, 1)), 0);
        h.processElement2(ContactUpdate.profile(profile("u2", true, 1)), 0);
        h.processElement2(ContactUpdate.suppress("u1", "UNSUBSCRIBED", 5), 0);
        h.processElement2(ContactUpdate.unsubscribeFrom("u1", "win-back", 6), 0);
        h.processElement2(ContactUpdate.resubscribe("u1", null, 8), 0);
        h.processElement2(ContactUpdate.suppress("u2", "COMPLAINED", 5), 0);
        h.processElement2(ContactUpdate.resubscribe("u2", null, 8), 0);
        h.processElement1(request("u1", "r1", "WIN_BACK"), 0);
        h.processElement1(request("u2", "r2", "WIN_BACK"), 0);
        decide();
        assertThat(h.extractOutputValues())
                .extracting(a -> a.request().requestId())
                .containsExactly("r1");
        assertThat(deadLetters()).extracting(DeadLetter::reason).containsExactly("user u2 is suppressed (COMPLAINED)");
    }

    @Test
    void aSuppressionArrivingAfterTheRequestButWithinTheGraceStillWins() throws Exception {
        h.processElement2(ContactUpdate.profile(profile("u1", true, 1)), 0);
        h.processElement1(request("u1", "r1"), 0);
        h.processElement2(ContactUpdate.suppress("u1", "COMPLAINED", 2), 0);
        decide();
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).extracting(DeadLetter::reason).containsExactly("user u1 is suppressed (COMPLAINED)");
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aProfileArrivingAfterTheRequestButWithinTheGraceIsUsed() throws Exception {
        h.processElement1(request("u1", "r1"), 0);
        h.processBothWatermarks(new Watermark(9_999));
        assertThat(h.extractOutputValues()).isEmpty();
        h.processElement2(ContactUpdate.profile(profile("u1", true, 1)), 0);
        h.processBothWatermarks(new Watermark(10_000));
        assertThat(h.extractOutputValues()).hasSize(1);
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void noProfileAndNoConsentAreDeadLettered() throws Exception {
        h.processElement1(request("u9", "r1"), 0);
        h.processElement2(ContactUpdate.profile(profile("u2", false, 1)), 0);
        h.processElement1(request("u2", "r2"), 0);
        decide();
        assertThat(deadLetters())
                .extracting(DeadLetter::reason)
                .containsExactly("no profile for user u9", "user u2 has not consented to e-mail");
    }

    /** Requests are decided once event time passes their trigger time plus the grace period. */
    private void decide() throws Exception {
        watermark += 86_400_000L;
        h.processBothWatermarks(new Watermark(watermark));
    }

    private long watermark;

    private List<DeadLetter> deadLetters() {
        return h.getSideOutput(Tags.DEAD_LETTERS).stream()
                .map(StreamRecord::getValue)
                .toList();
    }
}
