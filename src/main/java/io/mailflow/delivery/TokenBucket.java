package io.mailflow.delivery;

/**
 * A token bucket: {@code ratePerSecond} tokens refill continuously up to {@code burst}. {@link #reserve()}
 * takes a token and says how long the caller must wait for it, so waiting callers queue fairly in
 * arrival order. Thread-safe; the clock is injectable for tests.
 */
public final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private final java.util.function.LongSupplier nanoClock;
    private double tokens;
    private long last;

    public TokenBucket(double ratePerSecond, double burst, java.util.function.LongSupplier nanoClock) {
        if (!(ratePerSecond > 0) || !(burst >= 1)) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    public TokenBucket(double ratePerSecond, double burst) {
        this(ratePerSecond, burst, System::nanoTime);
    }

    /** Takes one token; returns the nanoseconds to wait before using it (0 when available now). */
    public synchronized long reserve() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
        last = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / ratePerNano);
    }
}
