package io.mailflow.campaigns;

/**
 * A condition on one raw feature of the user's latest feature vector ({@code io.mailflow.features.FeatureVector}).
 *
 * @param feature a name from {@code FeatureVector.NAMES}, e.g. {@code events_purchase}
 * @param op one of {@code <}, {@code <=}, {@code >}, {@code >=}, {@code ==}, {@code !=}
 * @param value the number to compare with (features are log1p-compressed counts or ratios)
 */
public record FeaturePredicate(String feature, String op, double value) implements java.io.Serializable {

    public boolean test(double actual) {
        return switch (op) {
            case "<" -> actual < value;
            case "<=" -> actual <= value;
            case ">" -> actual > value;
            case ">=" -> actual >= value;
            case "==" -> actual == value;
            case "!=" -> actual != value;
            default -> false;
        };
    }
}
