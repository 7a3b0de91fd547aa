package io.mailflow.campaigns;

/**
 * A condition on one raw feature of the user's latest feature vector ({@code io.mailflow.features.FeatureVector}).
 *
 * @param feature a name from {@code FeatureVector.NAMES}, e.g. {@code events_purchase}
 * @param op one of {@code <}, {@code <=}, {@code >}, {@code >=}, {@code ==}, {@code !=}: the symbol of an
 *     {@link Op}, kept as written because predicates live in broadcast state (inside
 *     {@link CampaignDefinition}) of committed savepoints, and Flink's POJO serializer cannot change a field's
 *     type on restore
 * @param value the number to compare with (features are log1p-compressed counts or ratios)
 */
public record FeaturePredicate(String feature, String op, double value) implements java.io.Serializable {

    /** The comparisons a predicate may use, by their symbol in campaign documents. */
    public enum Op {
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">="),
        EQ("=="),
        NE("!=");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        /** Whether {@code actual op value}. */
        public boolean test(double actual, double value) {
            return switch (this) {
                case LT -> actual < value;
                case LE -> actual <= value;
                case GT -> actual > value;
                case GE -> actual >= value;
                case EQ -> actual == value;
                case NE -> actual != value;
            };
        }

        /** The comparison written as {@code symbol}, or null if there is none. */
        public static Op parse(String symbol) {
            for (Op o : values()) {
                if (o.symbol.equals(symbol)) {
                    return o;
                }
            }
            return null;
        }
    }

    /** The stored {@code op}, typed; null if it is no known comparison (the predicate then never holds). */
    public Op comparison() {
        return Op.parse(op);
    }

    public boolean test(double actual) {
        Op o = comparison();
        return o != null && o.test(actual, value);
    }
}
