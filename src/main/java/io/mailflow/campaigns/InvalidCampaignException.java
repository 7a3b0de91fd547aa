package io.mailflow.campaigns;

import java.util.List;

/** A campaign document that cannot be accepted, with every reason found (not just the first). */
public final class InvalidCampaignException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String campaignId;
    private final List<String> reasons;

    public InvalidCampaignException(String campaignId, List<String> reasons) {
        super("campaign '" + campaignId + "' is invalid: " + String.join("; ", reasons));
        this.campaignId = campaignId;
        this.reasons = List.copyOf(reasons);
    }

    /** {@code id: reason; reason} for one-line reports. */
    public String getCampaignIdAndReasons() {
        return campaignId + ": " + String.join("; ", reasons);
    }

    public String campaignId() {
        return campaignId;
    }

    public List<String> reasons() {
        return reasons;
    }
}
