package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngagementValidatorTest {
    private static final long NOW = 1_800_000_000_000L;
    private final EngagementValidator validator = new EngagementValidator(Duration.ofHours(1));

    private EngagementValidator.Result validate(String json) {
        return validator.validate(json.getBytes(StandardCharsets.UTF_8), NOW);
    }

    private static String event(String extra) {
        return "{\"eventId\":\"e1\",\"userId\":\"u1\",\"campaignId\":\"c1\",\"requestId\":\"r1\",\"timestamp\":"
                + (NOW - 1000) + extra + "}";
    }

    @Test
    void acceptsEveryTypeCaseInsensitivelyWithIsoOrEpochTimestamps() {
        for (EngagementType t : EngagementType.values()) {
            EngagementValidator.Result r =
                    validate(event(",\"type\":\"" + t.name().toLowerCase() + "\""));
            assertThat(r.valid()).as(r.error()).isTrue();
            assertThat(r.event().type()).isEqualTo(t);
        }
        EngagementValidator.Result iso =
                validate("{\"eventId\":\"e\",\"type\":\"CLICKED\",\"userId\":\"u\",\"campaignId\":\"c\","
                        + "\"messageId\":\"<m@x>\",\"url\":\"https://shop/p\",\"timestamp\":\"2026-01-01T00:00:00Z\"}");
        assertThat(iso.valid()).isTrue();
        assertThat(iso.event().messageKey()).isEqualTo("<m@x>");
        assertThat(iso.event().url()).isEqualTo("https://shop/p");
    }

    @Test
    void machineOpensAreFlaggedByTheReporterOrByAScannerUserAgent() {
        assertThat(validate(event(",\"type\":\"OPENED\",\"machine\":true"))
                        .event()
                        .machine())
                .isTrue();
        assertThat(validate(event(",\"type\":\"OPENED\",\"userAgent\":\"Mozilla/5.0 (compatible; Barracuda)\""))
                        .event()
                        .machine())
                .isTrue();
        assertThat(validate(event(",\"type\":\"OPENED\",\"userAgent\":\"Mozilla/5.0 (iPhone)\""))
                        .event()
                        .machine())
                .isFalse();
        assertThat(validate(event(",\"type\":\"CLICKED\",\"machine\":true"))
                        .event()
                        .machine())
                .as("only opens")
                .isFalse();
    }

    @Test
    void bouncesAreHardUnlessSaidSoft() {
        assertThat(validate(event(",\"type\":\"BOUNCED\"")).event().hardBounce())
                .isTrue();
        assertThat(validate(event(",\"type\":\"BOUNCED\",\"bounceType\":\"soft\""))
                        .event()
                        .hardBounce())
                .isFalse();
    }

    @Test
    void rejectsWithAReasonNamingTheField() {
        assertThat(validate("{\"type\":\"OPENED\"}").error()).isEqualTo("missing field 'eventId'");
        assertThat(validate(event(",\"type\":\"VIEWED\"")).error()).isEqualTo("unknown engagement type 'VIEWED'");
        assertThat(validate(
                                "{\"eventId\":\"e\",\"type\":\"OPENED\",\"userId\":\"u\",\"campaignId\":\"c\",\"timestamp\":1}")
                        .error())
                .isEqualTo("needs 'requestId' or 'messageId' to know which e-mail it is about");
        assertThat(validate(event(",\"type\":\"OPENED\",\"url\":\"a\\r\\nb\"")).error())
                .isEqualTo("field 'url' contains control characters");
        assertThat(validate(event(",\"type\":\"OPENED\",\"machine\":\"yes\"")).error())
                .isEqualTo("field 'machine' must be true or false");
        assertThat(validate(
                                "{\"eventId\":\"e\",\"type\":\"OPENED\",\"userId\":\"u\",\"campaignId\":\"c\",\"requestId\":\"r\",\"timestamp\":"
                                        + (NOW + Duration.ofHours(2).toMillis()) + "}")
                        .error())
                .contains("in the future");
        assertThat(validate("[1]").error()).isEqualTo("payload is not a JSON object");
        assertThat(validate("{").error()).startsWith("malformed JSON");
        assertThat(validator.validate(new byte[] {(byte) 0xff, '{'}, NOW).error())
                .isEqualTo("payload is not valid UTF-8");
    }

    @Test
    void aHugeIsoYearIsAReasonNotAnException() {
        EngagementValidator.Result r =
                validate("{\"eventId\":\"e\",\"type\":\"OPENED\",\"userId\":\"u\",\"campaignId\":\"c\","
                        + "\"requestId\":\"r\",\"timestamp\":\"+300000000-01-01T00:00:00Z\"}");
        assertThat(r.valid()).isFalse();
        assertThat(r.error()).contains("timestamp");
    }

    @Test
    void urlsAreHttpAndIdsAreSafe() {
        assertThat(validate(event(",\"type\":\"CLICKED\",\"url\":\"javascript:alert(1)\""))
                        .error())
                .isEqualTo("field 'url' must be an http or https URL without spaces");
        assertThat(validate(event(",\"type\":\"CLICKED\",\"url\":\"https://x/\u202Egnp\""))
                        .error())
                .isEqualTo("field 'url' contains bidirectional control characters");
        assertThat(validate(event(",\"type\":\"CLICKED\",\"messageId\":\"<a b@x>\""))
                        .error())
                .isEqualTo("field 'messageId' must be printable ASCII without spaces");
        assertThat(validate(event(",\"type\":\"BOUNCED\",\"bounceType\":\"permanent\""))
                        .error())
                .isEqualTo("unknown bounceType 'permanent'");
    }

    @Test
    void unsubscribesComplaintsAndHardBouncesSuppress() {
        assertThat(ParseEngagementFunction.suppressionReason(
                        validate(event(",\"type\":\"UNSUBSCRIBED\"")).event()))
                .isEqualTo("UNSUBSCRIBED");
        assertThat(ParseEngagementFunction.suppressionReason(
                        validate(event(",\"type\":\"COMPLAINED\"")).event()))
                .isEqualTo("COMPLAINED");
        assertThat(ParseEngagementFunction.suppressionReason(
                        validate(event(",\"type\":\"BOUNCED\"")).event()))
                .isEqualTo("BOUNCED");
        assertThat(ParseEngagementFunction.suppressionReason(
                        validate(event(",\"type\":\"BOUNCED\",\"bounceType\":\"soft\""))
                                .event()))
                .isNull();
        assertThat(ParseEngagementFunction.suppressionReason(
                        validate(event(",\"type\":\"CLICKED\"")).event()))
                .isNull();
    }

    @Test
    void aTreeGetsTheSameAnswerAsItsBytes() throws Exception {
        java.util.List<String> payloads = java.util.List.of(
                event(",\"type\":\"CLICKED\",\"url\":\"https://shop/p?q=1\""),
                event(",\"type\":\"OPENED\",\"userAgent\":\"Mozilla/5.0 (compatible; Barracuda)\""),
                event(",\"type\":\"OPENED\",\"machine\":true"),
                event(",\"type\":\"BOUNCED\",\"bounceType\":\"soft\""),
                event(",\"type\":\"VIEWED\""),
                event(",\"type\":\"CLICKED\",\"url\":\"javascript:alert(1)\""),
                event(",\"type\":\"CLICKED\",\"url\":\"https://x/\u202Egnp\""),
                event(",\"type\":\"OPENED\",\"machine\":\"yes\""),
                "{\"type\":\"OPENED\"}",
                "{\"eventId\":\"e\",\"type\":\"OPENED\",\"userId\":\"u\",\"campaignId\":\"c\",\"timestamp\":1}",
                "{\"eventId\":\"e\",\"type\":\"OPENED\",\"userId\":\"u\",\"campaignId\":\"c\",\"requestId\":\"r\","
                        + "\"timestamp\":" + (NOW + Duration.ofHours(2).toMillis()) + "}",
                "{\"eventId\":\"e 1\",\"type\":\"OPENED\",\"userId\":\"u\",\"campaignId\":\"c\",\"requestId\":\"r\","
                        + "\"timestamp\":1}",
                "[1]");
        int valid = 0;
        for (String p : payloads) {
            byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
            EngagementValidator.Result fromBytes = validator.validate(bytes, NOW);
            EngagementValidator.Result fromTree =
                    validator.validate(io.mailflow.io.Json.mapper().readTree(bytes), bytes.length, NOW);
            assertThat(fromTree).as(p).isEqualTo(fromBytes);
            valid += fromBytes.valid() ? 1 : 0;
        }
        assertThat(valid).as("both answers are exercised").isBetween(1, payloads.size() - 1);
        assertThat(validator
                        .validate(
                                io.mailflow.io.Json.mapper().readTree(event(",\"type\":\"OPENED\"")),
                                EngagementValidator.MAX_PAYLOAD_BYTES + 1,
                                NOW)
                        .error())
                .isEqualTo("payload of 16385 bytes exceeds the limit of 16384");
    }

    private static final java.util.List<String> IDS = java.util.Arrays.asList(
            "u1",
            "c-9",
            "r:1@x/2+=~",
            null,
            "",
            " ",
            "a b",
            "x\u0007",
            "\u202Eevil",
            "é",
            "x".repeat(128),
            "x".repeat(129),
            "k#1.2_3");
    private static final java.util.List<String> URLS = java.util.Arrays.asList(
            null,
            "",
            "https://shop/p?q=1",
            "HTTP://X/Y",
            "javascript:alert(1)",
            "https://a b",
            "https://x/\u202Egnp",
            "https://x/\u0000",
            "https://" + "x".repeat(2040),
            "https://" + "x".repeat(2041),
            "ftp://x",
            "https://");
    private static final java.util.List<String> AGENTS = java.util.Arrays.asList(
            null, "", "Mozilla/5.0", "curl/8", "a\tb", "\u2066x", "x".repeat(1024), "x".repeat(1025), "中文 UA");

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> ids() {
        return net.jqwik.api.Arbitraries.oneOf(
                net.jqwik.api.Arbitraries.of(
                        IDS.stream().filter(java.util.Objects::nonNull).toList()),
                net.jqwik.api.Arbitraries.just(null),
                net.jqwik.api.Arbitraries.strings().ofMaxLength(140));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> urls() {
        return net.jqwik.api.Arbitraries.oneOf(
                net.jqwik.api.Arbitraries.of(
                        URLS.stream().filter(java.util.Objects::nonNull).toList()),
                net.jqwik.api.Arbitraries.just(null),
                net.jqwik.api.Arbitraries.strings().ofMaxLength(40).map(x -> "https://" + x));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> agents() {
        return net.jqwik.api.Arbitraries.oneOf(
                net.jqwik.api.Arbitraries.of(
                        AGENTS.stream().filter(java.util.Objects::nonNull).toList()),
                net.jqwik.api.Arbitraries.just(null),
                net.jqwik.api.Arbitraries.strings().ofMaxLength(60));
    }

    /** The field-level rules a reporter uses agree with the job's validation of the JSON it writes. */
    @net.jqwik.api.Property(tries = 2000)
    void fieldRulesAgreeWithTheJsonValidation(
            @net.jqwik.api.ForAll("ids") String eventId,
            @net.jqwik.api.ForAll("ids") String userId,
            @net.jqwik.api.ForAll("ids") String campaignId,
            @net.jqwik.api.ForAll("ids") String requestId,
            @net.jqwik.api.ForAll("urls") String url,
            @net.jqwik.api.ForAll("agents") String userAgent) {
        com.fasterxml.jackson.databind.node.ObjectNode n =
                io.mailflow.io.Json.mapper().createObjectNode();
        n.put("eventId", eventId);
        n.put("type", "CLICKED");
        n.put("userId", userId);
        n.put("campaignId", campaignId);
        n.put("requestId", requestId);
        if (url != null) {
            n.put("url", url);
        }
        if (userAgent != null) {
            n.put("userAgent", userAgent);
        }
        n.put("timestamp", NOW);
        EngagementValidator.Result json = validator.validate(io.mailflow.io.Json.toBytes(n), NOW);
        String fields = EngagementValidator.fieldsError(eventId, userId, campaignId, requestId, url, userAgent);
        assertThat(fields == null)
                .as("fields: %s, json: %s", fields, json.error())
                .isEqualTo(json.valid());
    }

    @Test
    void fieldRulesAgreeOnTheCraftedCases() {
        int valid = 0;
        int invalid = 0;
        for (String id : IDS) {
            for (String url : URLS) {
                for (String ua : AGENTS) {
                    fieldRulesAgreeWithTheJsonValidation("e-1", id, "c1", "r1", url, ua);
                    boolean ok = EngagementValidator.fieldsError("e-1", id, "c1", "r1", url, ua) == null;
                    valid += ok ? 1 : 0;
                    invalid += ok ? 0 : 1;
                }
            }
        }
        assertThat(valid).isPositive();
        assertThat(invalid).isPositive();
    }
}
