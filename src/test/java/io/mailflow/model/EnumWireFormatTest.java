package io.mailflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.delivery.SendOutcomeFunction.AuditRecord;
import io.mailflow.io.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The closed sets that became enums keep their JSON form on the topics (send results, delivery audit,
 * campaign events and statuses): the constant's name, as the strings were before, and documents written
 * before the change still parse.
 */
class EnumWireFormatTest {

    static JsonNode json(Object o) throws Exception {
        return Json.mapper().readTree(Json.toBytes(o));
    }

    @Test
    void sendResultsAndTheirAttemptsWriteAndReadNames() throws Exception {
        SendResult r = new SendResult(
                "r1",
                "m1",
                "c",
                "A",
                "u1",
                SendStatus.FAILED_PERMANENT,
                1,
                40,
                "550 no",
                7L,
                550,
                List.of(new Attempt(1, 5L, 2L, Attempt.Outcome.PERMANENT_FAILURE, 550, "550 no")));
        JsonNode j = json(r);
        assertThat(j.get("status").asText()).isEqualTo("FAILED_PERMANENT");
        assertThat(j.get("attemptLog").get(0).get("outcome").asText()).isEqualTo("PERMANENT_FAILURE");
        assertThat(Json.mapper().readValue(Json.toBytes(r), SendResult.class)).isEqualTo(r);

        String before = "{\"requestId\":\"r2\",\"status\":\"SENT\",\"attempts\":1,\"smtpCode\":250,"
                + "\"attemptLog\":[{\"number\":1,\"outcome\":\"ACCEPTED\",\"smtpCode\":250}]}";
        SendResult old = Json.mapper().readValue(before, SendResult.class);
        assertThat(old.sent()).isTrue();
        assertThat(old.attemptLog().get(0).outcome()).isEqualTo(Attempt.Outcome.ACCEPTED);
        assertThat(Json.mapper()
                        .readValue("{\"status\":\"HOLDOUT\"}", SendResult.class)
                        .status())
                .isEqualTo(SendStatus.HOLDOUT);
    }

    @Test
    void auditRecordsCampaignEventsAndStatusesWriteNames() throws Exception {
        AuditRecord a = new AuditRecord(
                "r1",
                "m1",
                "c",
                "u1",
                0,
                Attempt.Outcome.SKIPPED_ALREADY_SENT,
                -1,
                "",
                1L,
                0L,
                SendStatus.SKIPPED_ALREADY_SENT);
        assertThat(json(a).get("outcome").asText()).isEqualTo("SKIPPED_ALREADY_SENT");
        assertThat(json(a).get("finalStatus").asText()).isEqualTo("SKIPPED_ALREADY_SENT");

        EmailRequest r = new EmailRequest("r1", "c", "ABANDONED_CART", "t", "u1", 1L, "s", List.of(), "USD");
        assertThat(json(CampaignEvent.of(r, CampaignEvent.DEFERRED, "quiet hours", 1L, 2L))
                        .get("outcome")
                        .asText())
                .isEqualTo("DEFERRED");

        // the typed view of onLimit is no JSON property: send rules keep their form
        EmailRequest withRules = new EmailRequest(
                "r1",
                "c",
                "ABANDONED_CART",
                "t",
                "u1",
                1L,
                "s",
                List.of(),
                "USD",
                1L,
                "A",
                false,
                null,
                null,
                null,
                null,
                List.of(),
                java.util.Map.of(),
                new SendRules(1, 2L, 3, 4L, LimitAction.DROP),
                1L);
        JsonNode rules = json(withRules).get("rules");
        assertThat(rules.fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder(
                        "priority",
                        "cooldownMs",
                        "campaignCapMax",
                        "campaignCapWindowMs",
                        "onLimit",
                        "maxAgeMs",
                        "dryRun",
                        "catalogPolicy",
                        "requireImages");
        assertThat(rules.get("onLimit").asText()).isEqualTo("drop");
        assertThat(rules.get("catalogPolicy").asText()).isEmpty(); // the typed view catalog() is no property either

        CampaignStatus s = new CampaignStatus("c", 2, CampaignStatus.State.PAUSED, "", "test", 1L, 0);
        assertThat(json(s).get("status").asText()).isEqualTo("PAUSED");
        assertThat(Json.mapper().readValue(Json.toBytes(s), CampaignStatus.class))
                .isEqualTo(s);
    }
}
