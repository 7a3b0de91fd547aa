package io.mailflow.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.ControlGroup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExperimentsTest {

    @Test
    void bucketsAreUniformAndIndependentAcrossCampaigns() {
        int both = 0;
        int inA = 0;
        for (int i = 0; i < 10_000; i++) {
            boolean a = Experiments.bucket("holdout", "campaign-a", "u" + i) < 0.5;
            boolean b = Experiments.bucket("holdout", "campaign-b", "u" + i) < 0.5;
            inA += a ? 1 : 0;
            both += a && b ? 1 : 0;
        }
        assertThat(inA).isBetween(4_800, 5_200);
        assertThat(both).isBetween(2_350, 2_650); // independent: a quarter
    }

    @Test
    void thompsonSamplingFavoursTheVariantThatConverts() {
        List<Variant> vs = List.of(new Variant("A", 1, "a", Map.of()), new Variant("B", 1, "b", Map.of()));
        Map<String, VariantStats> stats = new HashMap<>();
        stats.put("c|A", new VariantStats("c", "A", 1000, 20));
        stats.put("c|B", new VariantStats("c", "B", 1000, 80));
        int b = 0;
        for (long seed = 0; seed < 1000; seed++) {
            b += ThompsonSampler.choose(vs, stats, "c", seed).id().equals("B") ? 1 : 0;
        }
        assertThat(b).isGreaterThan(990);
        // without evidence both are explored about equally; the same seed gives the same choice
        int a = 0;
        for (long seed = 0; seed < 1000; seed++) {
            a += ThompsonSampler.choose(vs, Map.of(), "c", seed).id().equals("A") ? 1 : 0;
        }
        assertThat(a).isBetween(430, 570);
        assertThat(ThompsonSampler.choose(vs, Map.of(), "c", 7))
                .isEqualTo(ThompsonSampler.choose(vs, Map.of(), "c", 7));
    }

    @Test
    void theGlobalControlGroupIsTheConfiguredShareStablePerUserAndIndependentOfHoldouts() {
        ControlGroup g = new ControlGroup(10.0, "salt-1");
        CampaignDefinition c = Campaigns.of("c1", "{type: abandoned-cart}", "holdoutPercent: 50");
        int control = 0;
        int controlAndHoldout = 0;
        int moved = 0;
        for (int i = 0; i < 10_000; i++) {
            String u = "u" + i;
            boolean in = Experiments.inControlGroup(u, g);
            assertThat(Experiments.inControlGroup(u, new ControlGroup(10.0, "salt-1")))
                    .isEqualTo(in); // stable
            control += in ? 1 : 0;
            controlAndHoldout += in && Experiments.holdout(u, c) ? 1 : 0;
            moved += in != Experiments.inControlGroup(u, new ControlGroup(10.0, "salt-2")) ? 1 : 0;
        }
        assertThat(control).isBetween(900, 1_100);
        assertThat(controlAndHoldout).isBetween(400, 600); // half of the control group, as of everyone
        assertThat(moved).isBetween(1_600, 2_000); // a new salt draws a new group: 2 x 10% x 90% move
        assertThat(Experiments.inControlGroup("u1", ControlGroup.OFF)).isFalse();
        assertThat(Experiments.inControlGroup("u1", null)).isFalse();
        assertThat(java.util.stream.IntStream.range(0, 1000)
                        .filter(i -> Experiments.inControlGroup("u" + i, new ControlGroup(50.0, "s")))
                        .count())
                .isBetween(450L, 550L);
    }
}
