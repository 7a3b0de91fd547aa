package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.Pending;
import java.util.ArrayList;
import java.util.List;

/**
 * One e-mail for the newest of a campaign's facts (rules with {@link TriggerRule#newestFactOnly()}): a
 * fact that ends before an older one's e-mail is due supersedes it, and a late fact older than a pending
 * newer one is ignored.
 *
 * @param ignored whether the new trigger is ignored (a newer fact of its campaign is pending)
 * @param superseded the pending triggers it replaces (empty if ignored)
 */
public record Supersession(boolean ignored, List<Pending> superseded) {

    /** What scheduling {@code p} does to the user's {@code pending} triggers. */
    public static Supersession of(Pending p, Iterable<Pending> pending) {
        List<Pending> superseded = new ArrayList<>();
        for (Pending q : pending) {
            if (!q.campaignId().equals(p.campaignId())) {
                continue;
            }
            if (q.anchor() > p.anchor() && q.anchor() < p.dueAt()) {
                return new Supersession(true, List.of());
            }
            if (q.anchor() < p.anchor() && p.anchor() < q.dueAt()) {
                superseded.add(q);
            }
        }
        return new Supersession(false, superseded);
    }
}
