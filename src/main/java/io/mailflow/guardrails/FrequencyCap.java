package io.mailflow.guardrails;

import java.io.Serializable;
import java.util.List;

/**
 * At most {@code max} sends within any rolling {@code windowMs}. {@code max == 0} means no cap.
 */
public final class FrequencyCap implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int max;
    private final long windowMs;

    public FrequencyCap(int max, long windowMs) {
        this.max = max;
        this.windowMs = windowMs;
    }

    public static FrequencyCap none() {
        return new FrequencyCap(0, 0L);
    }

    public long windowMs() {
        return windowMs;
    }

    /**
     * The earliest instant at or after {@code t} at which one more send keeps the cap.
     *
     * @param sends times of earlier sends, ascending (only those that count for this cap)
     */
    public long nextAllowed(long t, List<Long> sends) {
        if (max <= 0) {
            return t;
        }
        // sends in the window (t - window, t]; the cap is kept once the oldest ones leave it
        int from = 0;
        while (from < sends.size() && sends.get(from) <= t - windowMs) {
            from++;
        }
        int inWindow = 0;
        for (int i = from; i < sends.size() && sends.get(i) <= t; i++) {
            inWindow++;
        }
        if (inWindow < max) {
            return t;
        }
        // the (inWindow - max + 1)-th oldest send in the window must leave it: then max - 1 remain
        return sends.get(from + inWindow - max) + windowMs;
    }
}
