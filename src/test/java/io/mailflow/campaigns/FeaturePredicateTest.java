package io.mailflow.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FeaturePredicateTest {

    @Test
    void everyComparisonByItsSymbol() {
        assertThat(new FeaturePredicate("f", "<", 1).test(0.5)).isTrue();
        assertThat(new FeaturePredicate("f", "<", 1).test(1)).isFalse();
        assertThat(new FeaturePredicate("f", "<=", 1).test(1)).isTrue();
        assertThat(new FeaturePredicate("f", ">", 1).test(1)).isFalse();
        assertThat(new FeaturePredicate("f", ">=", 1).test(1)).isTrue();
        assertThat(new FeaturePredicate("f", "==", 1).test(1)).isTrue();
        assertThat(new FeaturePredicate("f", "!=", 1).test(1)).isFalse();
        assertThat(new FeaturePredicate("f", ">=", 1).comparison()).isEqualTo(FeaturePredicate.Op.GE);
        for (FeaturePredicate.Op o : FeaturePredicate.Op.values()) {
            assertThat(FeaturePredicate.Op.parse(o.symbol())).isEqualTo(o);
        }
    }

    @Test
    void anUnknownSymbolNeverHolds() {
        assertThat(new FeaturePredicate("f", "=<", 1).comparison()).isNull();
        assertThat(new FeaturePredicate("f", "=<", 1).test(0)).isFalse();
    }
}
