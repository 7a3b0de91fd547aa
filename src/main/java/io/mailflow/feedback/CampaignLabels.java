package io.mailflow.feedback;

import java.util.HashSet;
import java.util.Set;

/**
 * The campaign and variant labels of the feedback metrics, drawn from a bounded set. Every metric group is
 * kept by the metric registry (and exported by every reporter) for the life of the task, and engagement
 * events are not authenticated: a label taken from them would let anyone who can write the engagement topic
 * create any number of groups. So a pair becomes a label only when it comes from the job's own sends (a send
 * or holdout assignment, or an e-mail the operator remembers), and at most {@value #MAX_LABELS} pairs per
 * parallel instance; everything else is counted under {@value #OTHER}/{@value #OTHER}. The records themselves
 * keep their campaign and variant.
 */
final class CampaignLabels {
    /** The label of campaigns and variants that are not (or no longer) admitted. */
    static final String OTHER = "other";
    /** Most campaign/variant pairs labelled per parallel instance. */
    static final int MAX_LABELS = 1_000;

    private final Set<String> admitted = new HashSet<>();

    /** Admits a pair that the job itself produced, while there is room. */
    void admit(String campaign, String variant) {
        if (admitted.size() < MAX_LABELS) {
            admitted.add(key(campaign, variant));
        }
    }

    /** The campaign label of a pair: itself if admitted, else {@link #OTHER}. */
    String campaign(String campaign, String variant) {
        return admitted.contains(key(campaign, variant)) ? campaign : OTHER;
    }

    /** The variant label of a pair: itself if admitted, else {@link #OTHER}. */
    String variant(String campaign, String variant) {
        return admitted.contains(key(campaign, variant)) ? variant : OTHER;
    }

    int size() {
        return admitted.size();
    }

    private static String key(String campaign, String variant) {
        return campaign + '\u0000' + variant;
    }
}
