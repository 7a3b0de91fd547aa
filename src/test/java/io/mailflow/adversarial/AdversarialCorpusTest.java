package io.mailflow.adversarial;

import static io.mailflow.testing.HostileJson.clean;
import static io.mailflow.testing.HostileJson.id;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.feedback.EngagementEvent;
import io.mailflow.feedback.EngagementValidator;
import io.mailflow.ingestion.EventValidator;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.profiles.ProfileParser;
import io.mailflow.profiles.SuppressionValidator;
import io.mailflow.testing.AdversarialCorpus;
import io.mailflow.testing.AdversarialCorpus.Line;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test per input validator over the committed adversarial corpus: every hostile line is rejected with a
 * reason, and the few lines marked to be accepted come out with finite, bounded numbers and clean, bounded
 * strings. Validated at a fixed "now" ({@link AdversarialCorpus#NOW}), never the wall clock.
 */
class AdversarialCorpusTest {
    private static final long NOW = AdversarialCorpus.NOW;
    private static final Duration SKEW = Duration.ofHours(1);

    @Test
    void everyHostileEventIsRejectedWithAReason() {
        EventValidator v = new EventValidator(SKEW);
        List<Line> corpus = AdversarialCorpus.load("events");
        assertThat(corpus).hasSizeGreaterThan(40);
        for (Line line : corpus) {
            EventValidator.Result r = v.validate(line.bytes(), NOW);
            if (line.mustBeAccepted()) {
                assertThat(r.error()).as(line.toString()).isNull();
                assertBounded(r.event());
            } else {
                assertThat(r.valid()).as(line.toString()).isFalse();
                assertThat(r.error()).as(line.toString()).isNotBlank().hasSizeLessThan(300);
            }
        }
    }

    @Test
    void everyHostileEngagementEventIsRejectedWithAReason() {
        EngagementValidator v = new EngagementValidator(SKEW);
        for (Line line : AdversarialCorpus.load("engagement")) {
            EngagementValidator.Result r = v.validate(line.bytes(), NOW);
            if (line.mustBeAccepted()) {
                assertThat(r.error()).as(line.toString()).isNull();
                assertBounded(r.event());
            } else {
                assertThat(r.valid()).as(line.toString()).isFalse();
                assertThat(r.error()).as(line.toString()).isNotBlank().hasSizeLessThan(300);
            }
        }
    }

    @Test
    void everyHostileProfileIsRejectedWithAReasonThatNeverHoldsTheAddress() {
        ProfileParser p = new ProfileParser(SKEW);
        for (Line line : AdversarialCorpus.load("profiles")) {
            ProfileParser.Result r = p.parse(line.bytes(), NOW);
            if (line.mustBeAccepted()) {
                assertThat(r.error()).as(line.toString()).isNull();
                assertBounded(r.profile());
            } else {
                assertThat(r.profile()).as(line.toString()).isNull();
                assertThat(r.error())
                        .as(line.toString())
                        .isNotBlank()
                        .doesNotContain("adv-mail.example")
                        .doesNotContain("@x");
            }
        }
    }

    @Test
    void everyHostileSuppressionIsRejectedWithAReason() {
        SuppressionValidator v = new SuppressionValidator(SKEW);
        for (Line line : AdversarialCorpus.load("suppressions")) {
            SuppressionValidator.Result r = v.validate(line.bytes(), AdversarialCorpus.T, NOW);
            if (line.mustBeAccepted()) {
                assertThat(r.error()).as(line.toString()).isNull();
                assertBounded(r.update());
            } else {
                assertThat(r.update()).as(line.toString()).isNull();
                assertThat(r.error()).as(line.toString()).isNotBlank().hasSizeLessThan(300);
            }
        }
    }

    static void assertBounded(Event e) {
        assertThat(id(e.eventId(), 128)
                        && id(e.userId(), 128)
                        && id(e.itemId(), 128)
                        && id(e.categoryId(), 128)
                        && id(e.sessionId(), 128))
                .as("ids of %s", e)
                .isTrue();
        assertThat(clean(e.query(), 512) && clean(e.currency(), 3))
                .as("text of %s", e)
                .isTrue();
        assertThat(e.price() == null || (e.price() >= 0 && e.price() <= EventValidator.MAX_PRICE))
                .isTrue();
        assertThat(e.quantity() == null || (e.quantity() >= 1 && e.quantity() <= EventValidator.MAX_QUANTITY))
                .isTrue();
        assertThat(Double.isFinite(e.amount())).isTrue();
        assertThat(e.timestamp()).isBetween(EventValidator.MIN_TIMESTAMP, NOW + SKEW.toMillis());
    }

    static void assertBounded(EngagementEvent e) {
        assertThat(id(e.eventId(), 128)
                        && id(e.userId(), 128)
                        && id(e.campaignId(), 128)
                        && id(e.requestId(), 128)
                        && id(e.variant(), 128))
                .as("ids of %s", e)
                .isTrue();
        assertThat(clean(e.messageId(), 256) && clean(e.url(), 2048))
                .as("text of %s", e)
                .isTrue();
        assertThat(e.timestamp()).isBetween(EventValidator.MIN_TIMESTAMP, NOW + SKEW.toMillis());
    }

    static void assertBounded(UserProfile p) {
        assertThat(id(p.userId(), 128)).isTrue();
        assertThat(ProfileParser.address(p.email())).isEqualTo(p.email());
        assertThat(clean(p.name().isEmpty() ? null : p.name(), 200) && clean(p.locale(), 35) && clean(p.timeZone(), 64))
                .isTrue();
        assertThat(p.updatedAt()).isBetween(0L, NOW + SKEW.toMillis());
    }

    static void assertBounded(ContactUpdate u) {
        assertThat(id(u.userId(), 128)).isTrue();
        assertThat(u.reason()).matches("[A-Z_]{1,32}");
        assertThat(u.at()).isBetween(EventValidator.MIN_TIMESTAMP, NOW + SKEW.toMillis());
    }
}
