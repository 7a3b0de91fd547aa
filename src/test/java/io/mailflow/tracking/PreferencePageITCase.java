package io.mailflow.tracking;

import static io.mailflow.tracking.TrackingFixture.TOKENS;
import static io.mailflow.tracking.TrackingFixture.claims;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.email.SignedTokens.Kind;
import io.mailflow.model.ContactUpdate;
import io.mailflow.profiles.SuppressionValidator;
import io.mailflow.testing.Events;
import io.mailflow.testing.KafkaExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preference page against a real broker: what it shows (en, zh-CN, escaped), that only a POST with the
 * unsubscribe token records anything, and that what it records is what the job's own suppression validator reads
 * as a campaign-type unsubscribe, an unsubscribe from all or a re-subscription.
 */
class PreferencePageITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final long NOW = Events.BEGINNING;
    private static final long VALID_UNTIL = NOW / 1000 + 3600;
    private static final long EXPIRED = NOW / 1000 - 60;

    @TempDir
    static Path spool;

    private static TrackingFixture f;
    private static TrackingServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        f = new TrackingFixture(KAFKA.broker(), "prefs");
        server = TrackingServer.start(
                f.settings(spool, "30s"), TrackingFixture.KEYS, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
        port = server.port();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String token(String user, String request, long expires) {
        return TOKENS.sign(claims(Kind.UNSUBSCRIBE, user, request, expires));
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** Every type ticked but the given ones. */
    private static String keepAllBut(String... off) {
        StringBuilder sb = new StringBuilder("action=save");
        for (String type : TrackingHandler.CAMPAIGN_TYPES) {
            if (!List.of(off).contains(type)) {
                sb.append("&type=").append(type);
            }
        }
        return sb.toString();
    }

    /**
     * The contact updates one POST wrote for {@code user}, once {@code expected} of them are on the topic: the
     * service publishes a POST's records in producer batches, so the first one can be readable before the last.
     */
    private static List<ContactUpdate> updatesOf(String user, String request, int expected) throws Exception {
        java.util.function.Predicate<JsonNode> ofThePost =
                n -> user.equals(n.path("userId").asText())
                        && request.equals(n.path("requestId").asText());
        List<JsonNode> all = f.awaitRecords(f.suppressions, n -> ofThePost.test(n), Duration.ofSeconds(30), expected);
        SuppressionValidator v = new SuppressionValidator(Duration.ofMinutes(5));
        return all.stream()
                .filter(ofThePost)
                .map(n -> v.validate(n.toString().getBytes(StandardCharsets.UTF_8), NOW, NOW))
                .peek(r -> assertThat(r.error()).isNull())
                .map(SuppressionValidator.Result::update)
                .toList();
    }

    @Test
    void thePageListsTheCampaignTypesInBothLanguagesAndAGetRecordsNothing() throws Exception {
        String t = token("pp-ann", "pp-r1", VALID_UNTIL);
        HttpResponse<byte[]> en = f.get(port, "/preferences?t=" + t);
        assertThat(en.statusCode()).isEqualTo(200);
        assertThat(body(en))
                .contains("<html lang=\"en\"", "Your e-mail preferences", "Unsubscribe from all", "Subscribe again")
                .contains("name=\"type\" value=\"win-back\" checked", "We miss you")
                .contains("<form method=\"post\" action=\"preferences?t=" + t + "&amp;lang=en\"")
                .doesNotContain("pp-ann");
        assertThat(en.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).contains("form-action 'self'"));
        HttpResponse<byte[]> zh = f.get(port, "/preferences?t=" + t, "Accept-Language", "zh-CN,zh;q=0.9");
        assertThat(body(zh)).contains("<html lang=\"zh-CN\"", "邮件偏好设置", "退订全部邮件", "购物车提醒");
        // the unsubscribe confirmation page links to it
        assertThat(body(f.get(port, "/unsubscribe?t=" + t))).contains("href=\"preferences?t=" + t + "&amp;lang=en\"");

        // a bad token: escaped nowhere, because it is never echoed; click and open tokens are refused
        String click = TOKENS.sign(claims(Kind.CLICK, "pp-ann", "pp-r1", VALID_UNTIL), "https://x.test/");
        String open = TOKENS.sign(claims(Kind.OPEN, "pp-ann", "pp-r1", VALID_UNTIL));
        assertThat(f.get(port, "/preferences?t=" + click).statusCode()).isEqualTo(403);
        assertThat(f.get(port, "/preferences?t=" + open).statusCode()).isEqualTo(403);
        assertThat(f.post(port, "/preferences?t=" + open, keepAllBut("win-back"))
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<byte[]> xss = f.get(port, "/preferences?t=%22%3E%3Cscript%3Ealert(1)%3C/script%3E");
        assertThat(xss.statusCode()).isEqualTo(400);
        assertThat(body(xss)).doesNotContain("<script>");

        // nothing of the above reached the suppressions topic: a later POST's records are the first of pp-ann
        assertThat(f.post(port, "/preferences?t=" + token("pp-ann", "pp-marker", VALID_UNTIL), keepAllBut("win-back"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(updatesOf("pp-ann", "pp-marker", TrackingHandler.CAMPAIGN_TYPES.size()))
                .allSatisfy(u -> assertThat(u.at()).isEqualTo(NOW));
        assertThat(f.records(f.suppressions))
                .noneMatch(n -> "pp-r1".equals(n.path("requestId").asText()));
    }

    @Test
    void savingRecordsATypeUnsubscribeForEachUntickedTypeAndConsentForTheTickedOnes() throws Exception {
        String t = token("pp-bob", "pp-r2", VALID_UNTIL);
        HttpResponse<byte[]> res = f.post(port, "/preferences?t=" + t, keepAllBut("win-back", "post-purchase"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(body(res)).contains("Your preferences are saved");
        List<ContactUpdate> u = updatesOf("pp-bob", "pp-r2", TrackingHandler.CAMPAIGN_TYPES.size());
        assertThat(u)
                .filteredOn(x -> x.kind() == ContactUpdate.Kind.SUPPRESS)
                .extracting(ContactUpdate::campaignType)
                .containsExactlyInAnyOrder("win-back", "post-purchase");
        assertThat(u)
                .filteredOn(x -> x.kind() == ContactUpdate.Kind.RESUBSCRIBE)
                .extracting(ContactUpdate::campaignType)
                .containsExactlyInAnyOrderElementsOf(TrackingHandler.CAMPAIGN_TYPES.stream()
                        .filter(type -> !List.of("win-back", "post-purchase").contains(type))
                        .toList());
        assertThat(u).noneMatch(x -> x.kind() == ContactUpdate.Kind.SUPPRESS && x.campaignType() == null);
    }

    @Test
    void unsubscribeFromAllAndSubscribeAgain() throws Exception {
        HttpResponse<byte[]> all =
                f.post(port, "/preferences?t=" + token("pp-cat", "pp-r3", VALID_UNTIL), "action=all");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(body(all)).contains("You are unsubscribed");
        List<ContactUpdate> u = updatesOf("pp-cat", "pp-r3", 1);
        assertThat(u).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(ContactUpdate.Kind.SUPPRESS);
            assertThat(x.reason()).isEqualTo("UNSUBSCRIBED");
            assertThat(x.campaignType()).isNull();
        });
        assertThat(f.awaitRecords(
                        f.engagement, n -> "pp-r3".equals(n.path("requestId").asText()), Duration.ofSeconds(30)))
                .anySatisfy(n -> assertThat(n.path("type").asText()).isEqualTo("UNSUBSCRIBED"));

        HttpResponse<byte[]> again =
                f.post(port, "/preferences?t=" + token("pp-cat", "pp-r4", VALID_UNTIL), "action=resubscribe");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(body(again)).contains("You are subscribed again");
        assertThat(updatesOf("pp-cat", "pp-r4", 1)).anySatisfy(x -> {
            assertThat(x.kind()).isEqualTo(ContactUpdate.Kind.RESUBSCRIBE);
            assertThat(x.campaignType()).isNull();
        });
    }

    @Test
    void anExpiredLinkStopsEmailsButNeverSubscribesAndBadFormsAreRefused() throws Exception {
        String old = token("pp-dan", "pp-r5", EXPIRED);
        HttpResponse<byte[]> resub = f.post(port, "/preferences?t=" + old, "action=resubscribe");
        assertThat(resub.statusCode()).isEqualTo(410);
        HttpResponse<byte[]> save = f.post(port, "/preferences?t=" + old, keepAllBut("win-back"));
        assertThat(save.statusCode()).isEqualTo(200);
        assertThat(body(save)).contains("cannot subscribe you again");
        assertThat(updatesOf("pp-dan", "pp-r5", 1)).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(ContactUpdate.Kind.SUPPRESS);
            assertThat(x.campaignType()).isEqualTo("win-back");
        });

        String t = token("pp-eve", "pp-r6", VALID_UNTIL);
        assertThat(f.post(port, "/preferences?t=" + t, "action=save&type=not-a-type")
                        .statusCode())
                .isEqualTo(400);
        assertThat(f.post(port, "/preferences?t=" + t, "action=delete").statusCode())
                .isEqualTo(400);
        assertThat(f.post(port, "/preferences?t=" + t, "action=all&action=resubscribe")
                        .statusCode())
                .isEqualTo(400);
        assertThat(f.post(port, "/preferences?t=" + t, "action=save&x=" + "a".repeat(5000))
                        .statusCode())
                .isEqualTo(400);
        assertThat(f.post(port, "/preferences", "action=all").statusCode()).isEqualTo(400);
        assertThat(f.records(f.suppressions))
                .noneMatch(n -> "pp-r6".equals(n.path("requestId").asText()));
    }
}
