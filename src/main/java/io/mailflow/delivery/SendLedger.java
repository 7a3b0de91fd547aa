package io.mailflow.delivery;

import java.io.Serializable;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Remembers, durably and outside Flink's checkpoints, which requests were about to be sent (intent) and
 * which an SMTP server accepted (acknowledgement), so that requests replayed after a failure are not
 * sent again, and a request whose fate is unknown is recognised as such.
 *
 * <p>Contract: {@link #claim} answers {@link Claim#ALREADY_SENT} when the request's acceptance is recorded,
 * {@link Claim#IN_FLIGHT} when another thread holds it, {@link Claim#AMBIGUOUS} when an intent was recorded
 * (in an earlier run) without an acknowledgement or a definite failure, and otherwise {@link Claim#CLAIMED}.
 * After CLAIMED or AMBIGUOUS the caller holds the claim and ends it with exactly one of
 * {@link #recordSent}, {@link #recordNotSent} or {@link #release}; before its first SMTP attempt it records
 * the {@link #recordIntent intent} and does not send if that fails. Implementations are thread-safe.
 */
public interface SendLedger extends AutoCloseable {

    /** What {@link #claim} found. */
    enum Claim {
        CLAIMED,
        ALREADY_SENT,
        IN_FLIGHT,
        AMBIGUOUS
    }

    /**
     * The part of the ledger a sender instance owns: the request ids of the users in its key groups. The
     * sender runs at the parallelism of the contact guardrail, keyed by user id, and is chained to it, so
     * subtask i only ever sees the users of its key groups and needs only their entries.
     */
    record Shard(int maxParallelism, int parallelism, int subtask) implements Serializable {
        public static final Shard ALL = new Shard(1, 1, 0);

        public boolean owns(String userId) {
            return parallelism == 1
                    || userId == null
                    || KeyGroupRangeAssignment.assignKeyToParallelOperator(userId, maxParallelism, parallelism)
                            == subtask;
        }
    }

    /** Loads the entries of {@code shard} (ids only; within the retention). Called once, before the first claim. */
    default void restore(Shard shard) {}

    Claim claim(String requestId);

    /** @throws Exception when the intent could not be made durable: the caller must not send */
    void recordIntent(String requestId, String userId, String messageId, long at) throws Exception;

    /** @throws Exception when the acceptance could not be made durable (the message went out nonetheless) */
    void recordSent(String requestId, String userId, String messageId, long acceptedAt) throws Exception;

    /** Best effort: the request definitely was not sent (a reply refused it, or it was cancelled before DATA). */
    void recordNotSent(String requestId);

    /** Ends a claim without writing anything (nothing was attempted, or the outcome is unknown). */
    void release(String requestId);

    /** Ledger records that could not be read on restore (skipped). */
    default long malformedRecords() {
        return 0;
    }

    @Override
    void close();

    /** No ledger: every request is sent; replays after a failure may send again. For benchmarks and tests. */
    SendLedger NONE = new SendLedger() {
        @Override
        public Claim claim(String requestId) {
            return Claim.CLAIMED;
        }

        @Override
        public void recordIntent(String requestId, String userId, String messageId, long at) {}

        @Override
        public void recordSent(String requestId, String userId, String messageId, long acceptedAt) {}

        @Override
        public void recordNotSent(String requestId) {}

        @Override
        public void release(String requestId) {}

        @Override
        public void close() {}
    };
}
