package io.mailflow.feedback;

import java.util.ArrayList;
import java.util.List;

/** The counts of every variant of one campaign in one window: the statistics window's accumulator. */
public record CampaignTally(List<VariantCounts> variants) {

    public static CampaignTally empty() {
        return new CampaignTally(List.of());
    }

    public CampaignTally add(FunnelEvent e) {
        List<VariantCounts> next = new ArrayList<>(variants);
        int i = indexOf(next, e.variant());
        if (i < 0) {
            next.add(VariantCounts.empty(e.variant(), e.holdout()).add(e));
        } else {
            next.set(i, next.get(i).add(e));
        }
        return new CampaignTally(next);
    }

    public CampaignTally merge(CampaignTally other) {
        List<VariantCounts> next = new ArrayList<>(variants);
        for (VariantCounts v : other.variants) {
            int i = indexOf(next, v.variant());
            if (i < 0) {
                next.add(v);
            } else {
                next.set(i, next.get(i).plus(v));
            }
        }
        return new CampaignTally(next);
    }

    private static int indexOf(List<VariantCounts> list, String variant) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).variant().equals(variant)) {
                return i;
            }
        }
        return -1;
    }
}
