package io.mailflow.delivery;

/**
 * Remembers which requests an SMTP server has accepted, durably and outside Flink's checkpoints, so
 * that requests replayed after a failure are not sent again.
 *
 * <p>Contract: {@link #tryClaim} returns false when the request was recorded as sent (in this run or
 * an earlier one) or is being sent right now by another thread; otherwise it claims it. After a claim
 * the caller either {@link #recordSent records} the acceptance (durably, before the result is released
 * downstream) or {@link #release releases} the claim after a failure. Implementations are thread-safe.
 */
public interface SendLedger extends AutoCloseable {

    boolean tryClaim(String requestId);

    /** @throws Exception when the record could not be made durable (the message went out nonetheless) */
    void recordSent(String requestId, String messageId, long acceptedAt) throws Exception;

    void release(String requestId);

    @Override
    void close();

    /** No ledger: every request is sent; replays after a failure may send again. For benchmarks and tests. */
    SendLedger NONE = new SendLedger() {
        @Override
        public boolean tryClaim(String requestId) {
            return true;
        }

        @Override
        public void recordSent(String requestId, String messageId, long acceptedAt) {}

        @Override
        public void release(String requestId) {}

        @Override
        public void close() {}
    };
}
