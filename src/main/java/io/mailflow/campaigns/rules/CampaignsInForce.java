package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.model.CampaignStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The campaign definitions the trigger operator runs: the initial ones ({@code campaigns.file}),
 * overridden by id by those received on the control stream, which a newer version replaces and an
 * older one does not.
 */
public final class CampaignsInForce {
    private CampaignsInForce() {}

    /**
     * What an update does.
     *
     * @param apply whether it replaces the current definition (a deletion is kept as a tombstone, so that an
     *     initial definition of the same id does not come back)
     * @param status for {@link CampaignStatus}: the update's own status, or {@code STALE}
     * @param reason why it was ignored (empty otherwise)
     */
    public record Update(boolean apply, CampaignStatus.State status, String reason) {}

    /** @param current the definition in force (broadcast state, else the initial one), or null */
    public static Update update(CampaignDefinition current, CampaignDefinition d) {
        if (current != null && d.version() < current.version()) {
            return new Update(
                    false,
                    CampaignStatus.STALE,
                    "version " + d.version() + " is older than the running version " + current.version());
        }
        return new Update(true, applied(d.lifecycle()), "");
    }

    /** The campaigns in force and not deleted, sorted by id. */
    public static List<CampaignDefinition> of(
            Map<String, CampaignDefinition> initial, Iterable<Map.Entry<String, CampaignDefinition>> received) {
        Map<String, CampaignDefinition> all = new HashMap<>(initial);
        for (Map.Entry<String, CampaignDefinition> e : received) {
            all.put(e.getKey(), e.getValue());
        }
        List<CampaignDefinition> out = new ArrayList<>();
        for (CampaignDefinition c : all.values()) {
            if (c.lifecycle() != CampaignDefinition.Lifecycle.DELETED) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparing(CampaignDefinition::id));
        return out;
    }

    /** The status of a definition applied to the running job. */
    static CampaignStatus.State applied(CampaignDefinition.Lifecycle l) {
        return switch (l) {
            case ACTIVE -> CampaignStatus.State.ACTIVE;
            case PAUSED -> CampaignStatus.State.PAUSED;
            case DELETED -> CampaignStatus.State.DELETED;
        };
    }
}
