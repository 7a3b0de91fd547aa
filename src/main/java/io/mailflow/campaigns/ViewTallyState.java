package io.mailflow.campaigns;

import io.mailflow.campaigns.rules.Housekeeping;
import io.mailflow.campaigns.rules.ViewTallies;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.TimerService;

/**
 * The trigger operator's view tallies for the browse rule: keyed map state of the current user, with a
 * housekeeping timer at each tally's expiry (rounded up to the minute). State access failures are
 * rethrown unchecked and fail the task as they would in the operator.
 */
final class ViewTallyState implements ViewTallies {
    private final MapState<String, ViewTally> views;
    private final TimerService timers;

    ViewTallyState(MapState<String, ViewTally> views, TimerService timers) {
        this.views = views;
        this.timers = timers;
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
        timers.registerEventTimeTimer(Housekeeping.ceilMinute(expiresAt));
    }
}
