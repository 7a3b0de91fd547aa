package io.mailflow.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.UserProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProfileParserTest {
    private static final long NOW = 1772452800000L; // 2026-03-02T12:00:00Z
    private final ProfileParser parser = new ProfileParser(Duration.ofHours(1));

    private ProfileParser.Result parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), NOW);
    }

    private static String withEmail(String emailJson) {
        return "{\"userId\":\"u1\",\"email\":" + emailJson + ",\"consent\":true,\"updatedAt\":1}";
    }

    @Test
    void refusesASecondProfileAfterTheFirst() {
        // which address would a reader use? the first document's, the second's: refused, not guessed
        String first = withEmail("\"a@x.com\"");
        assertThat(parse(first + " ").profile()).isNotNull();
        ProfileParser.Result r = parse(first + withEmail("\"b@y.com\""));
        assertThat(r.profile()).isNull();
        assertThat(r.error()).isEqualTo("data after the JSON object");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"a,b@x.com\"",
                "\"a@b@x.com\"",
                "\"\\\"A\\\" <a@x.com>\"",
                "\"a@x.com\\r\\nBcc: v@y.com\"",
                "\"a b@x.com\"",
                "\"a@x\"",
                "\"a@-x.com\"",
                "\"\\u202Ea@x.com\"",
                "\"a@x.com\\u200B\"",
                "\"a\\u0000@x.com\"",
                "\"a..b@x.com\"",
                "\".a@x.com\"",
                "\"a@x..com\"",
                "\"\"",
                "12345",
                "[\"a@x.com\"]"
            })
    void acceptsExactlyOnePlainAddress(String email) {
        ProfileParser.Result r = parse(withEmail(email));
        assertThat(r.profile()).isNull();
        assertThat(r.error()).isEqualTo("profile of user u1 has no valid 'email'");
    }

    @Test
    void aTooLongAddressIsRefusedAndNoReasonEchoesTheAddress() {
        assertThat(parse(withEmail("\"" + "x".repeat(65) + "@x.com\"")).error()).doesNotContain("xxxx");
        assertThat(parse(withEmail("\"a@" + "d".repeat(250) + ".com\"")).profile())
                .isNull();
    }

    @Test
    void acceptsPlainAndInternationalisedAddresses() {
        assertThat(parse(withEmail("\"ann.o'neil+tag@mail.example.co.uk\""))
                        .profile()
                        .email())
                .isEqualTo("ann.o'neil+tag@mail.example.co.uk");
        assertThat(parse(withEmail("\"ann@bücher.example\"")).profile().email()).isEqualTo("ann@xn--bcher-kva.example");
    }

    @Test
    void aMissingConsentIsNoConsent() {
        UserProfile p = parse("{\"userId\":\"u1\",\"email\":\"a@x.com\"}").profile();
        assertThat(p.consent()).isFalse();
        assertThat(parse("{\"userId\":\"u1\",\"email\":\"a@x.com\",\"consent\":\"yes\"}")
                        .error())
                .isEqualTo("profile of user u1 has an invalid 'consent' (must be true or false)");
        assertThat(parse("{\"userId\":\"u1\",\"email\":\"a@x.com\",\"consent\":true}")
                        .profile()
                        .consent())
                .isTrue();
    }

    @Test
    void aFarFutureUpdatedAtCannotPinAProfile() {
        assertThat(parse("{\"userId\":\"u1\",\"email\":\"a@x.com\",\"consent\":true,\"updatedAt\":4102444800000}")
                        .error())
                .isEqualTo("profile of user u1 has an 'updatedAt' more than PT1H in the future");
        assertThat(parse("{\"userId\":\"u1\",\"email\":\"a@x.com\",\"updatedAt\":\"+300000000-01-01T00:00:00Z\"}")
                        .error())
                .contains("'updatedAt'");
        assertThat(parse("{\"userId\":\"u1\",\"email\":\"a@x.com\",\"updatedAt\":-5}")
                        .error())
                .contains("'updatedAt'");
        assertThat(parse("{\"userId\":\"u1\",\"email\":\"a@x.com\",\"updatedAt\":" + (NOW + 60_000) + "}")
                        .profile()
                        .updatedAt())
                .isEqualTo(NOW + 60_000);
    }

    @Test
    void textFieldsAreClean() {
        assertThat(parse("{\"userId\":\"u1\",\"email\":\"a@x.com\",\"name\":\"Ann\\u202Egnp\"}")
                        .error())
                .isEqualTo("profile of user u1 has an invalid 'name' (too long or control characters)");
        assertThat(parse("{\"userId\":\"u\\u202E1\",\"email\":\"a@x.com\"}").error())
                .startsWith("profile needs a 'userId'");
        assertThat(parse("{\"userId\":\"u1\",\"email\":\"a@x.com\",\"locale\":\"en\\r\\nX: y\"}")
                        .error())
                .contains("'locale'");
    }
}
