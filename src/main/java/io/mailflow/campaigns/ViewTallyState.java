package io.mailflow.campaigns;

import io.mailflow.campaigns.rules.ViewTallies;
import org.apache.flink.api.common.state.MapState;

/**
 * The trigger operator's view tallies for the browse rule: keyed map state of the current user; each tally's
 * expiry is passed to the user's one housekeeping timer ({@link TriggerState#cleanUpAt}). State access failures are
 * rethrown unchecked and fail the task as they would in the operator.
 */
final class ViewTallyState implements ViewTallies {
    private final MapState<String, ViewTally> views;
    private final ExpiryListener expiries;

    /** Told of each tally's expiry. */
    interface ExpiryListener {
        void expiresAt(long t) throws Exception;
    }

    ViewTallyState(MapState<String, ViewTally> views, ExpiryListener expiries) {
        this.views = views;
        this.expiries = expiries;
    }

    @Override
    public ViewTally get(String key) {
        try {
            return views.get(key);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read view tally " + key, e);
        }
    }

    @Override
    public void put(String key, ViewTally tally, long expiresAt) {
        try {
            views.put(key, tally);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write view tally " + key, e);
        }
        try {
            expiries.expiresAt(expiresAt);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set the housekeeping timer", e);
        }
    }
}
