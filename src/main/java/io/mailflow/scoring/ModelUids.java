package io.mailflow.scoring;

/**
 * Stable operator ids of the model pipeline ({@link ModelPipeline}). Like {@code io.mailflow.job.Uids}:
 * state in a savepoint is matched to operators by these strings, so never change one that has shipped.
 */
public final class ModelUids {
    public static final String FEATURES = "user-features";
    public static final String KMEANS_TRAINER = "kmeans-trainer";
    public static final String KMEANS_ASSIGNER = "kmeans-assigner";
    public static final String PURCHASE_LABELLER = "purchase-labeller";
    public static final String FTRL_TRAINER = "ftrl-trainer";
    public static final String PROPENSITY_SCORER = "propensity-scorer";

    private ModelUids() {}
}
