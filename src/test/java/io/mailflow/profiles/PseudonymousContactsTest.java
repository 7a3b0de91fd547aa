package io.mailflow.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailflow.common.Tags;
import io.mailflow.ingestion.EventValidator;
import io.mailflow.ingestion.ParseEventsFunction;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.Event;
import io.mailflow.model.RawRecord;
import io.mailflow.privacy.PseudonymSettings;
import io.mailflow.privacy.Pseudonymizer;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The parse operators of the inputs that carry the shop's raw ids, with pseudonyms on: every update and event leaves
 * with the pseudonym, the job's own suppressions are not hashed again, and a missing key fails when the operator
 * opens, with the variable's name.
 */
class PseudonymousContactsTest {
    static final String KEY = "contacts-test-key-0123456789abcdefgh";
    static final PseudonymSettings ON = new PseudonymSettings(true, "k1", KEY);
    final Pseudonymizer p = Pseudonymizer.of("k1", KEY);
    final Duration skew = Duration.ofHours(1);

    private static <O> List<O> run(ProcessFunction<RawRecord, O> f, RawRecord... records) throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, O> h = ProcessFunctionTestHarnesses.forProcessFunction(f)) {
            for (RawRecord r : records) {
                h.processElement(r, 0);
            }
            assertThat(h.getSideOutput(Tags.DEAD_LETTERS)).isNull();
            return h.extractOutputValues();
        }
    }

    @Test
    void profilesTombstonesAndErasureCommandsLeaveWithThePseudonym() throws Exception {
        List<ContactUpdate> out = run(
                new ParseProfilesFunction(skew, ON),
                RawRecord.of("profiles", 1, "{\"userId\":\"raw-1\",\"email\":\"a@example.com\",\"consent\":true}"),
                new RawRecord("profiles", 0, 2, 0, "raw-2".getBytes(), new byte[0]),
                RawRecord.of("profiles", 3, "{\"userId\":\"raw-3\",\"erase\":true}"));
        assertThat(out)
                .extracting(ContactUpdate::userId)
                .containsExactly(p.pseudonym("raw-1"), p.pseudonym("raw-2"), p.pseudonym("raw-3"));
        assertThat(out.get(0).profile().userId()).isEqualTo(p.pseudonym("raw-1"));
        assertThat(out.get(0).profile().email()).isEqualTo("a@example.com");
        assertThat(out.get(2).kind()).isEqualTo(ContactUpdate.Kind.ERASE);
    }

    @Test
    void theCrmsSuppressionsAreHashedTheJobsOwnAreKept() throws Exception {
        String own = p.pseudonym("raw-9");
        List<ContactUpdate> out = run(
                new ParseSuppressionsFunction(skew, ON),
                RawRecord.of("s", 1, "{\"userId\":\"raw-9\",\"reason\":\"UNSUBSCRIBED\"}"),
                RawRecord.of("s", 2, "{\"userId\":\"" + own + "\",\"reason\":\"BOUNCED\"}"));
        assertThat(out).extracting(ContactUpdate::userId).containsExactly(own, own);
    }

    @Test
    void eventsLeaveWithThePseudonymAndOtherwiseUnchanged() throws Exception {
        String json = "{\"eventId\":\"e1\",\"userId\":\"raw-5\",\"sessionId\":\"s1\",\"type\":\"VIEW\","
                + "\"itemId\":\"sku-1\",\"timestamp\":1772452800000}";
        EventValidator v = new EventValidator(Duration.ofDays(3650), Duration.ofDays(3650));
        Event plain =
                run(new ParseEventsFunction(v), RawRecord.of("events", 1, json)).get(0);
        Event pseudo = run(new ParseEventsFunction(v, ON), RawRecord.of("events", 1, json))
                .get(0);
        assertThat(plain.userId()).isEqualTo("raw-5");
        assertThat(pseudo.userId()).isEqualTo(p.pseudonym("raw-5"));
        assertThat(pseudo).usingRecursiveComparison().ignoringFields("userId").isEqualTo(plain);
    }

    @Test
    void withoutAKeyTheOperatorFailsWhenItOpensNamingTheVariable() {
        assumeTrue(System.getenv(Pseudonymizer.KEY_ENV) == null);
        PseudonymSettings noKey = new PseudonymSettings(true, "k1", "");
        assertThatThrownBy(() -> run(new ParseSuppressionsFunction(skew, noKey)))
                .hasStackTraceContaining(Pseudonymizer.KEY_ENV);
    }
}
