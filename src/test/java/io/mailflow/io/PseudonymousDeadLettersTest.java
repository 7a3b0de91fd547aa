package io.mailflow.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import io.mailflow.privacy.Pseudonymizer;
import org.junit.jupiter.api.Test;

class PseudonymousDeadLettersTest {
    private final Pseudonymizer p = Pseudonymizer.of("k1", "pseudonym-test-key-0123456789abcdef");
    private final String raw = "shopper-raw-4711";
    private final String pseudonym = p.pseudonym(raw);

    @Test
    void aRecordWithAUserIdKeepsItsFieldsWithThePseudonym() throws Exception {
        RawRecord r = RawRecord.of(
                "events", 7, "{\"eventId\":\"e1\",\"userId\":\"" + raw + "\",\"type\":\"VIEW\",\"price\":-5}");
        DeadLetter d = PseudonymousDeadLetters.of(
                "ingest", "user " + raw + ": field 'price' must be >= 0", r, DeadLetter.payloadText(r.value()), p);
        assertThat(d.payload()).doesNotContain(raw).contains(pseudonym).contains("\"price\":-5");
        assertThat(Json.mapper().readTree(d.payload()).get("userId").asText()).isEqualTo(pseudonym);
        assertThat(d.reason()).isEqualTo("user " + pseudonym + ": field 'price' must be >= 0");
        assertThat(d.topic()).isEqualTo("events");
        assertThat(d.offset()).isEqualTo(7);
    }

    @Test
    void aRecordWithoutAReadableUserIdIsWithheldAndItsReasonLosesQuotedEchoes() {
        RawRecord r = RawRecord.of("events", 3, "{\"userId\": " + raw + "}");
        DeadLetter d = PseudonymousDeadLetters.of(
                "ingest",
                "malformed JSON: Unrecognized token '" + raw + "': was expecting",
                r,
                DeadLetter.payloadText(r.value()),
                p);
        assertThat(d.payload()).isEqualTo(PseudonymousDeadLetters.WITHHELD);
        assertThat(d.reason())
                .isEqualTo("malformed JSON: Unrecognized token '…': was expecting")
                .doesNotContain(raw);
        assertThat(d.offset()).isEqualTo(3);
    }

    @Test
    void aWithheldPayloadStaysWithheldAndTheJobsOwnPseudonymsAreNotHashedAgain() {
        RawRecord r = RawRecord.of("profiles", 1, "{\"userId\":\"" + raw + "\",\"email\":\"bad\"}");
        DeadLetter d = PseudonymousDeadLetters.of("profile", "profile of user " + raw + " bad", r, "<withheld>", p);
        assertThat(d.payload()).isEqualTo("<withheld>");
        assertThat(d.reason()).isEqualTo("profile of user " + pseudonym + " bad");

        RawRecord own = RawRecord.of("suppressions", 2, "{\"userId\":\"" + pseudonym + "\",\"reason\":\"?\"}");
        DeadLetter o = PseudonymousDeadLetters.of("suppression", "bad reason", own, "x", p);
        assertThat(o.payload()).isEqualTo("x");
        DeadLetter o2 =
                PseudonymousDeadLetters.of("suppression", "bad reason", own, DeadLetter.payloadText(own.value()), p);
        assertThat(o2.payload()).contains(pseudonym);
    }

    @Test
    void withoutPseudonymsNothingChanges() {
        RawRecord r = RawRecord.of("events", 1, "{\"userId\":\"" + raw + "\"}");
        DeadLetter d = PseudonymousDeadLetters.of("ingest", "why '" + raw + "'", r, "payload", null);
        assertThat(d.payload()).isEqualTo("payload");
        assertThat(d.reason()).isEqualTo("why '" + raw + "'");
    }

    @Test
    void onlyWholeIdsAreReplaced() {
        assertThat(PseudonymousDeadLetters.replaceId("payload of 1024 bytes from 1", "1", "P"))
                .isEqualTo("payload of 1024 bytes from P");
        assertThat(PseudonymousDeadLetters.replaceId("u-12 and u-1", "u-1", "P"))
                .isEqualTo("u-12 and P");
    }
}
