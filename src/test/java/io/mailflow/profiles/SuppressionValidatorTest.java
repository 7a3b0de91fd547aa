package io.mailflow.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.ContactUpdate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SuppressionValidatorTest {
    private static final long NOW = 1772452800000L;
    private final SuppressionValidator validator = new SuppressionValidator(Duration.ofHours(1));

    private SuppressionValidator.Result validate(String json) {
        return validator.validate(json.getBytes(StandardCharsets.UTF_8), NOW - 5, NOW);
    }

    @Test
    void acceptsASuppressionAndUsesTheRecordTimeWithoutAt() {
        ContactUpdate u =
                validate("{\"userId\":\"u1\",\"reason\":\"complained\"}").update();
        assertThat(u.reason()).isEqualTo("COMPLAINED");
        assertThat(u.at()).isEqualTo(NOW - 5);
    }

    @Test
    void campaignTypeUnsubscribesAndResubscriptions() {
        ContactUpdate one = validate("{\"userId\":\"u1\",\"reason\":\"UNSUBSCRIBED\",\"campaignType\":\"Win-Back\"}")
                .update();
        assertThat(one.kind()).isEqualTo(ContactUpdate.Kind.SUPPRESS);
        assertThat(one.campaignType()).isEqualTo("win-back");
        assertThat(one.stops("WIN_BACK")).isTrue();
        assertThat(one.stops("ABANDONED_CART")).isFalse();
        ContactUpdate again = validate("{\"userId\":\"u1\",\"reason\":\"resubscribed\",\"campaignType\":\"win-back\"}")
                .update();
        assertThat(again.kind()).isEqualTo(ContactUpdate.Kind.RESUBSCRIBE);
        assertThat(again.stops()).isFalse();
        ContactUpdate all =
                validate("{\"userId\":\"u1\",\"reason\":\"RESUBSCRIBED\"}").update();
        assertThat(all.kind()).isEqualTo(ContactUpdate.Kind.RESUBSCRIBE);
        assertThat(all.campaignType()).isNull();
        assertThat(validate("{\"userId\":\"u1\",\"reason\":\"COMPLAINED\",\"campaignType\":\"win-back\"}")
                        .error())
                .contains("must be UNSUBSCRIBED or RESUBSCRIBED");
        assertThat(validate("{\"userId\":\"u1\",\"reason\":\"UNSUBSCRIBED\",\"campaignType\":\"win back\"}")
                        .error())
                .contains("campaignType");
        assertThat(validate("{\"userId\":\"u1\",\"reason\":\"UNSUBSCRIBED\",\"campaignType\":\"" + "x".repeat(33)
                                + "\"}")
                        .error())
                .contains("campaignType");
    }

    @Test
    void rejectsWithAReason() {
        assertThat(validate("{\"userId\":\"u1\",\"reason\":\"x\",\"at\":\"+300000000-01-01T00:00:00Z\"}")
                        .error())
                .contains("'at'");
        assertThat(validate("{\"userId\":\"u1\",\"reason\":\"x\",\"at\":4102444800000}")
                        .error())
                .contains("in the future");
        assertThat(validate("{\"userId\":\"u1\",\"reason\":\"UNSUB\\r\\n\"}").error())
                .contains("control characters");
        assertThat(validate("{\"userId\":\"u\\u202E1\",\"reason\":\"BOUNCED\"}").error())
                .contains("bidirectional");
        assertThat(validate("{\"userId\":\"u1\"}").error())
                .isEqualTo("invalid suppression event: missing field 'reason'");
    }

    @Test
    void theStrongestReasonWinsThenTheMostRecent() {
        assertThat(SuppressionValidator.replaces("COMPLAINED", 1, "UNSUBSCRIBED", 5))
                .isTrue();
        assertThat(SuppressionValidator.replaces("UNSUBSCRIBED", 9, "COMPLAINED", 5))
                .isFalse();
        assertThat(SuppressionValidator.replaces("BOUNCED", 9, "BOUNCED", 5)).isTrue();
        assertThat(SuppressionValidator.replaces("ERASED", 1, "COMPLAINED", 5)).isTrue();
        assertThat(SuppressionValidator.rank("MANUAL"))
                .isBetween(SuppressionValidator.rank("UNSUBSCRIBED"), SuppressionValidator.rank("BOUNCED"));
    }
}
