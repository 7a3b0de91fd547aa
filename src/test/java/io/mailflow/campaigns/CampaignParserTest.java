package io.mailflow.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.model.CampaignCosts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CampaignParserTest {
    static final CampaignParser REAL_TEMPLATES = new CampaignParser(new TemplateCatalog(""));

    static JsonNode doc(String yaml) throws Exception {
        return CampaignDocuments.parse(yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesEveryFieldOfTheSchema() throws Exception {
        CampaignDefinition c = REAL_TEMPLATES.parse(doc("""
                id: vip-browse
                version: 3
                status: paused
                name: VIP browse abandonment
                priority: 7
                trigger: {type: browse-abandonment, minViews: 4, scope: category, window: 2h, delay: 30min}
                audience:
                  segments: [1, 3]
                  minScore: 0.2
                  maxScore: 0.9
                  features: [{feature: monetary, op: '>', value: 2.5}]
                variants:
                  - {id: A, weight: 70, template: browse-abandonment}
                  - {id: B, weight: 30, template: browse-abandonment, templates: {zh-CN: browse-abandonment}}
                selection: thompson
                holdoutPercent: 12.5
                cooldown: 2d
                frequencyCap: {max: 2, window: 7d}
                onLimit: drop
                activeFrom: 2026-01-01T00:00:00Z
                activeUntil: 2026-02-01T00:00:00Z
                """));
        assertThat(c.id()).isEqualTo("vip-browse");
        assertThat(c.version()).isEqualTo(3);
        assertThat(c.status()).isEqualTo("paused");
        assertThat(c.trigger().type()).isEqualTo(TriggerType.BROWSE_ABANDONMENT);
        assertThat(c.trigger().minViews()).isEqualTo(4);
        assertThat(c.trigger().scope()).isEqualTo("category");
        assertThat(c.trigger().windowMs()).isEqualTo(Duration.ofHours(2).toMillis());
        assertThat(c.audience().segments()).containsExactly(1, 3);
        assertThat(c.audience().features()).containsExactly(new FeaturePredicate("monetary", ">", 2.5));
        assertThat(c.variants()).extracting(Variant::weight).containsExactly(70, 30);
        assertThat(c.variants().get(1).localeTemplates()).containsEntry("zh-CN", "browse-abandonment");
        assertThat(c.thompson()).isTrue();
        assertThat(c.holdoutPercent()).isEqualTo(12.5);
        assertThat(c.cooldownMs()).isEqualTo(Duration.ofDays(2).toMillis());
        assertThat(c.capMax()).isEqualTo(2);
        assertThat(c.onLimit()).isEqualTo("drop");
        assertThat(c.liveAt(java.time.Instant.parse("2026-01-15T00:00:00Z").toEpochMilli()))
                .isFalse(); // paused
    }

    @Test
    void rejectsWithEveryReason() throws Exception {
        assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc("""
                id: bad campaign
                trigger: {type: teleport}
                holdoutPercnt: 10
                holdoutPercent: 150
                variants: [{id: A, weight: 0, template: no-such-template}]
                cooldown: soon
                """)))
                .isInstanceOf(InvalidCampaignException.class)
                .hasMessageContaining("'id' must be")
                .hasMessageContaining("unknown trigger type 'teleport'")
                .hasMessageContaining("unknown field 'holdoutPercnt'")
                .hasMessageContaining("'holdoutPercent' must be in [0, 100)")
                .hasMessageContaining("template 'no-such-template' does not exist")
                .hasMessageContaining("weights must add up to more than 0")
                .hasMessageContaining("'cooldown' must be a duration");
        assertThatThrownBy(() -> REAL_TEMPLATES.parse(
                        doc("id: w\ntrigger: {type: win-back}\nvariants: [{id: A, template: win-back}]")))
                .hasMessageContaining("win-back needs a positive 'trigger.inactivity'");
        assertThatThrownBy(
                        () -> REAL_TEMPLATES.parse(
                                doc(
                                        "id: s\ntrigger: {type: score-threshold, threshold: 1.5}\nvariants: [{id: A, template: win-back}]")))
                .hasMessageContaining("'trigger.threshold' must be in (0, 1)");
        assertThatThrownBy(
                        () -> REAL_TEMPLATES.parse(
                                doc(
                                        "id: f\ntrigger: {type: abandoned-cart}\n"
                                                + "audience: {features: [{feature: shoe_size, op: '~', value: 1}]}\nvariants: [{id: A, template: win-back}]")))
                .hasMessageContaining("unknown feature 'shoe_size'")
                .hasMessageContaining("unknown operator '~'");
    }

    @Test
    void catalogTriggersHaveAShareAndADedupPeriod() throws Exception {
        CampaignDefinition c = REAL_TEMPLATES.parse(
                doc(
                        "id: pd\ntrigger: {type: price-drop, minDropShare: 0.2, dedup: 3d}\nvariants: [{id: A, template: price-drop}]"));
        assertThat(c.trigger().type()).isEqualTo(TriggerType.PRICE_DROP);
        assertThat(c.trigger().minDropShare()).isEqualTo(0.2);
        assertThat(c.trigger().dedupMs()).isEqualTo(Duration.ofDays(3).toMillis());
        CampaignDefinition b = REAL_TEMPLATES.parse(
                doc("id: bis\ntrigger: {type: back-in-stock}\nvariants: [{id: A, template: back-in-stock}]"));
        assertThat(b.trigger().dedupMs())
                .as("default")
                .isEqualTo(Duration.ofDays(7).toMillis());
        assertThat(b.trigger().minDropShare()).isZero();
    }

    @Test
    void badCatalogTriggersAreRejectedWithTheReason() {
        assertThatThrownBy(
                        () -> REAL_TEMPLATES.parse(
                                doc(
                                        "id: pd\ntrigger: {type: price-drop, minDropShare: 1.5, dedup: 1h}\nvariants: [{id: A, template: price-drop}]")))
                .isInstanceOf(InvalidCampaignException.class)
                .hasMessageContaining("'trigger.minDropShare' must be in (0, 1)")
                .hasMessageContaining("'trigger.dedup' must be between 1d and 365d");
        assertThatThrownBy(
                        () -> REAL_TEMPLATES.parse(
                                doc(
                                        "id: pd\ntrigger: {type: price-drop, minDropShare: 0}\nvariants: [{id: A, template: price-drop}]")))
                .hasMessageContaining("'trigger.minDropShare' must be in (0, 1)");
        assertThatThrownBy(
                        () -> REAL_TEMPLATES.parse(
                                doc(
                                        "id: bis\ntrigger: {type: back-in-stock, watchers: 5}\nvariants: [{id: A, template: back-in-stock}]")))
                .hasMessageContaining("watchers");
    }

    @Test
    void theShippedCampaignFilesAreValid() throws Exception {
        for (String f :
                List.of("classpath:campaigns/default-campaigns.yaml", "classpath:campaigns/abandoned-cart.yaml")) {
            for (JsonNode d : CampaignDocuments.load(f)) {
                REAL_TEMPLATES.parse(d);
            }
        }
        assertThat(CampaignDocuments.load("classpath:campaigns/default-campaigns.yaml"))
                .extracting(d -> TriggerType.parse(d.get("trigger").get("type").asText()))
                .containsExactlyInAnyOrder(TriggerType.values());
    }

    /**
     * NaN passes every range check ({@code NaN < 0} and {@code NaN >= 100} are both false): it must not get that far.
     * (YAML's own {@code .nan} and {@code .inf} are already refused by the document parser.)
     */
    @Test
    void nonFiniteNumbersAndUncleanTextAreReasonsNotValues() throws Exception {
        String base =
                "id: c\ntrigger: {type: abandoned-cart, delay: 1h}\nvariants: [{id: A, template: abandoned-cart}]\n";
        for (String bad : List.of(
                "holdoutPercent: 'NaN'",
                "holdoutPercent: 1e400",
                "audience: {minScore: 'NaN'}",
                "audience: {maxScore: 'Infinity'}",
                "audience: {features: [{feature: recency_hours, op: '<', value: '-Infinity'}]}")) {
            assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc(base + bad + "\n")))
                    .as(bad)
                    .isInstanceOf(InvalidCampaignException.class)
                    .hasMessageContaining("must be a finite number");
        }
        assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc(base + "name: \"Cart\\u202Eevil\"\n")))
                .hasMessageContaining("'name' contains bidirectional control characters");
        assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc(base + "name: \"a\\u0007b\"\n")))
                .hasMessageContaining("'name' contains control characters");
        assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc(base + "name: " + "n".repeat(1001) + "\n")))
                .hasMessageContaining("'name' is longer than 1000 characters");
    }

    @Test
    void maxAgeAndDryRunAreOptionalBoundedAndCarriedIntoTheSendRules() throws Exception {
        String base =
                "id: c\ntrigger: {type: abandoned-cart, delay: 1h}\nvariants: [{id: A, template: abandoned-cart}]\n";
        CampaignDefinition plain = REAL_TEMPLATES.parse(doc(base));
        assertThat(plain.maxAgeMs()).isZero();
        assertThat(plain.dryRun()).isFalse();

        CampaignDefinition c = REAL_TEMPLATES.parse(doc(base + "maxAge: 6h\ndryRun: false\n"));
        assertThat(c.maxAgeMs()).isEqualTo(Duration.ofHours(6).toMillis());
        assertThat(c.dryRun()).isFalse();

        for (String bad : List.of("maxAge: 30s", "maxAge: 31d", "maxAge: -1h", "maxAge: soon")) {
            assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc(base + bad + "\n")))
                    .as(bad)
                    .isInstanceOf(InvalidCampaignException.class)
                    .hasMessageContaining("'maxAge'");
        }
        assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc(base + "dryRun: maybe\n")))
                .hasMessageContaining("'dryRun' must be true or false");
    }

    @Test
    void costsAreOptionalBoundedAndEitherCouponKind() throws Exception {
        String base =
                "id: c\ntrigger: {type: abandoned-cart, delay: 1h}\nvariants: [{id: A, template: abandoned-cart}]\n";
        assertThat(REAL_TEMPLATES.parse(doc(base)).costsOrNone()).isEqualTo(CampaignCosts.NONE);

        CampaignDefinition c =
                REAL_TEMPLATES.parse(doc(base + "costs: {perEmail: 0.002, fixed: 1500, couponShare: 0.1}\n"));
        assertThat(c.costs()).isEqualTo(new CampaignCosts(0.002, 1500, 0.1, 0));
        assertThat(REAL_TEMPLATES
                        .parse(doc(base + "costs: {couponPerConversion: 5}\n"))
                        .costs())
                .isEqualTo(new CampaignCosts(0, 0, 0, 5));

        for (String bad : List.of(
                "costs: {perEmail: -0.01}",
                "costs: {perEmail: 101}",
                "costs: {fixed: 2000000000}",
                "costs: {couponShare: 1.5}",
                "costs: {couponPerConversion: NaN}",
                "costs: {couponPerConversion: 2000000}",
                "costs: {perEmail: cheap}",
                "costs: {couponShare: 0.1, couponPerConversion: 5}",
                "costs: {perMail: 0.01}",
                "costs: 12")) {
            assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc(base + bad + "\n")))
                    .as(bad)
                    .isInstanceOf(InvalidCampaignException.class)
                    .hasMessageContaining("costs");
        }
    }

    @Test
    void theGlobalControlGroupsVariantIsReserved() throws Exception {
        assertThatThrownBy(
                        () -> REAL_TEMPLATES.parse(
                                doc(
                                        "id: c\ntrigger: {type: abandoned-cart}\nvariants: [{id: global-control, template: abandoned-cart}]\n")))
                .isInstanceOf(InvalidCampaignException.class)
                .hasMessageContaining("reserved for the global control group");
    }

    @Test
    void upliftTargetingIsParsedAndABadOneRejectedWithTheReason() throws Exception {
        String base = "id: c\ntrigger: {type: abandoned-cart}\nvariants: [{id: A, template: abandoned-cart}]\n";
        assertThat(REAL_TEMPLATES.parse(doc(base + "holdoutPercent: 10\n")).uplift())
                .isNull();
        assertThat(REAL_TEMPLATES
                        .parse(doc(base
                                + "holdoutPercent: 10\ntargeting: {uplift: {minUplift: 0.01, exploration: 0.1}}\n"))
                        .uplift())
                .isEqualTo(new UpliftSpec(0.01, 0, 0.1));
        assertThat(REAL_TEMPLATES
                        .parse(doc(base + "holdoutPercent: 10\ntargeting: {uplift: {topShare: 0.3}}\n"))
                        .uplift())
                .as("exploration defaults to 0.1")
                .isEqualTo(new UpliftSpec(0, 0.3, 0.1));

        Map<String, String> bad = Map.of(
                "holdoutPercent: 10\ntargeting: {uplift: {minUplift: 0.01, topShare: 0.3}}", "exactly one of",
                "holdoutPercent: 10\ntargeting: {uplift: {exploration: 0.1}}", "exactly one of",
                "holdoutPercent: 10\ntargeting: {uplift: {minUplift: 2}}", "'targeting.uplift.minUplift' must be in",
                "holdoutPercent: 10\ntargeting: {uplift: {topShare: 0}}", "'targeting.uplift.topShare' must be in",
                "holdoutPercent: 10\ntargeting: {uplift: {topShare: 0.3, exploration: 0}}", "exploration' must be in",
                "holdoutPercent: 10\ntargeting: {uplift: {topShare: much}}", "'topShare' must be a number",
                "holdoutPercent: 10\ntargeting: {uplift: {topShare: 0.3, explore: 0.1}}", "unknown field",
                "holdoutPercent: 10\ntargeting: {response: {}}", "unknown field",
                "targeting: {uplift: {topShare: 0.3}}", "needs a holdout");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc(base + e.getKey() + "\n")))
                    .as(e.getKey())
                    .isInstanceOf(InvalidCampaignException.class)
                    .hasMessageContaining(e.getValue());
        }
        assertThatThrownBy(() -> REAL_TEMPLATES.parse(doc("id: s\ntrigger: {type: scheduled, at: 2026-12-07T09:00}\n"
                        + "variants: [{id: A, template: abandoned-cart}]\nholdoutPercent: 10\n"
                        + "targeting: {uplift: {topShare: 0.3}}\n")))
                .isInstanceOf(InvalidCampaignException.class)
                .hasMessageContaining("not available for scheduled campaigns");
    }
}
