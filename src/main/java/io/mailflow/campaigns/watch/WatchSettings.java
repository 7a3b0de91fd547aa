package io.mailflow.campaigns.watch;

import java.io.Serializable;

/**
 * Job-level bounds of the item watchers.
 *
 * @param maxWatchers most watchers kept per item; a new one evicts the one seen longest ago
 *     ({@code catalog-triggers.max-watchers})
 * @param watchTtlMs a view or cart makes the user a watcher for this long (event time;
 *     {@code catalog-triggers.watch-ttl})
 */
public record WatchSettings(int maxWatchers, long watchTtlMs) implements Serializable {
    public WatchSettings {
        if (maxWatchers < 1 || watchTtlMs <= 0) {
            throw new IllegalArgumentException("maxWatchers and watchTtlMs must be positive");
        }
    }
}
