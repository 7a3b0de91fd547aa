package io.mailflow.delivery;

import io.mailflow.email.SealedEmails;
import io.mailflow.model.Attempt;
import io.mailflow.model.RenderedEmail;
import io.mailflow.model.SendResult;
import io.mailflow.model.SendStatus;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.KeyUnavailableException;
import io.mailflow.privacy.PersonalDataCipher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Sends e-mails from Flink's async I/O operator. The blocking SMTP exchange runs on a bounded pool of
 * threads, each with its own {@link MailClient} keeping one SMTP connection open (a pool of reusable
 * connections); the operator's capacity bounds how many requests wait, so a slow or absent server turns
 * into backpressure rather than unbounded buffering.
 *
 * <p>Per request: claim it in the {@link SendLedger} (skip it if it was accepted before; an ambiguous one
 * follows the {@link AmbiguousSendPolicy}); before every attempt wait for the relay's and the recipient
 * domain's rate limits; write the intent to the ledger before the first attempt (no intent, no send); try,
 * retrying transient failures with {@link RetryPolicy}; write the acknowledgement after the server's "250".
 * Every request ends in exactly one {@link SendResult} with its full attempt log; every text in it has
 * passed {@link ErrorText}.
 *
 * <p>Timeouts: Flink's {@link #timeout} marks the request expired. If the request has not started DATA it is
 * cancelled there and then (its result says so, and it is never sent afterwards: the sender checks before
 * each attempt and the client checks right before DATA). If DATA is under way it cannot be called back; the
 * timeout then leaves the result to the sender, which reports what really happened once the server answers
 * (bounded by {@code smtp.timeout}). A result never says "failed" for a message that went out.
 *
 * <p>The executor's queue holds {@code capacity} tasks, the most Flink lets in flight; a cancelled task is
 * removed from it, and should it ever be full the request fails (transient) instead of failing the task.
 */
public final class AsyncEmailSender extends RichAsyncFunction<RenderedEmail, SendResult> {
    private static final long serialVersionUID = 1L;

    private final MailClientFactory clients;
    private final SendLedgerFactory ledgers;
    private final int threads;
    private final int capacity;
    private final RetryPolicy retry;
    private final RateLimits.Config limits;
    private final AmbiguousSendPolicy ambiguousPolicy;

    private transient ThreadPoolExecutor executor;
    private transient ThreadLocal<MailClient> client;
    private transient List<MailClient> allClients;
    private final EncryptionSettings encryption;
    private transient PersonalDataCipher cipher;
    private transient SendLedger ledger;
    private transient RateLimits rateLimits;
    private transient Map<ResultFuture<SendResult>, Request> pending;
    private transient Counter sent;
    private transient Counter failed;
    private transient Counter retries;
    private transient Counter skipped;
    private transient Counter ledgerFailures;
    private transient Counter relayRejections;
    private transient Counter timeouts;
    private transient Counter rejected;
    private transient Counter ambiguousSkipped;
    private transient Counter ambiguousResent;
    private transient Counter unreadable;

    public AsyncEmailSender(
            MailClientFactory clients,
            SendLedgerFactory ledgers,
            int threads,
            int capacity,
            RetryPolicy retry,
            RateLimits.Config limits) {
        this(clients, ledgers, threads, capacity, retry, limits, AmbiguousSendPolicy.RESEND);
    }

    public AsyncEmailSender(
            MailClientFactory clients,
            SendLedgerFactory ledgers,
            int threads,
            int capacity,
            RetryPolicy retry,
            RateLimits.Config limits,
            AmbiguousSendPolicy ambiguousPolicy) {
        this(clients, ledgers, threads, capacity, retry, limits, ambiguousPolicy, EncryptionSettings.DISABLED);
    }

    /** @param encryption with encryption on, e-mails arrive encrypted and are opened only in {@link #deliver} */
    public AsyncEmailSender(
            MailClientFactory clients,
            SendLedgerFactory ledgers,
            int threads,
            int capacity,
            RetryPolicy retry,
            RateLimits.Config limits,
            AmbiguousSendPolicy ambiguousPolicy,
            EncryptionSettings encryption) {
        this.encryption = encryption;
        this.clients = clients;
        this.ledgers = ledgers;
        this.threads = threads;
        this.capacity = capacity;
        this.retry = retry;
        this.limits = limits;
        this.ambiguousPolicy = ambiguousPolicy;
    }

    @Override
    public void open(OpenContext ctx) {
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Math.max(capacity, 1)), r -> {
                    Thread t = new Thread(r, "mailflow-smtp-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        allClients = Collections.synchronizedList(new ArrayList<>());
        client = ThreadLocal.withInitial(() -> {
            MailClient c = clients.create();
            allClients.add(c);
            return c;
        });
        pending = new ConcurrentHashMap<>();
        TaskInfo task = getRuntimeContext().getTaskInfo();
        cipher = encryption.open();
        ledger = ledgers.open();
        ledger.restore(new SendLedger.Shard(
                task.getMaxNumberOfParallelSubtasks(),
                task.getNumberOfParallelSubtasks(),
                task.getIndexOfThisSubtask()));
        rateLimits = limits.forInstance(task.getNumberOfParallelSubtasks());
        var metrics = getRuntimeContext().getMetricGroup();
        sent = metrics.counter("emailsSent");
        failed = metrics.counter("emailsFailed");
        retries = metrics.counter("sendRetries");
        skipped = metrics.counter("emailsSkippedAlreadySent");
        ledgerFailures = metrics.counter("sendLedgerWriteFailures");
        relayRejections = metrics.counter("relayRejections");
        timeouts = metrics.counter("sendTimeouts");
        rejected = metrics.counter("sendQueueRejections");
        ambiguousSkipped = metrics.counter("ambiguousSendsSkipped");
        ambiguousResent = metrics.counter("ambiguousSendsResent");
        // incremented in the sender threads
        unreadable = metrics.counter(
                PersonalDataCipher.UNREADABLE_METRIC, new org.apache.flink.metrics.ThreadSafeSimpleCounter());
        metrics.gauge("sendLedgerMalformedRecords", () -> ledger.malformedRecords());
    }

    @Override
    public void asyncInvoke(RenderedEmail email, ResultFuture<SendResult> result) {
        Request request = new Request(email, result);
        pending.put(result, request);
        try {
            executor.execute(request);
        } catch (RejectedExecutionException e) {
            // Cannot happen while the queue is as large as Flink's capacity and cancelled tasks leave it;
            // should it happen anyway, it is one failed request, not a failed task.
            rejected.inc();
            if (request.cancel()) {
                complete(
                        request,
                        failedResult(email, System.currentTimeMillis(), "sender queue full: not sent", List.of()));
            }
        }
    }

    @Override
    public void timeout(RenderedEmail email, ResultFuture<SendResult> result) {
        Request request = pending.get(result);
        timeouts.inc();
        if (request == null) {
            // Normally already completed (Flink ignores a second completion); completing here guarantees that
            // no request can hold the async operator's queue for ever, whatever happened to it.
            result.complete(Collections.singleton(
                    failedResult(email, System.currentTimeMillis(), "async timeout: not sent", List.of())));
            return;
        }
        request.expired = true;
        if (request.cancel()) {
            executor.remove(request);
            complete(request, failedResult(email, System.currentTimeMillis(), "async timeout: not sent", List.of()));
            return;
        }
        // DATA is under way: the sender completes the request with the real outcome. Should it not report
        // within the grace period (a hung connection), the request ends as "outcome unknown"; its ledger intent
        // stays, so a replay treats it as ambiguous (delivery.ambiguous-policy).
        CompletableFuture.delayedExecutor(UNKNOWN_OUTCOME_GRACE_SECONDS, TimeUnit.SECONDS)
                .execute(() -> {
                    if (request.state.getAndSet(Request.DONE) != Request.DONE) {
                        complete(
                                request,
                                failedResult(
                                        email,
                                        System.currentTimeMillis(),
                                        "async timeout while DATA was under way: outcome unknown",
                                        List.of()));
                    }
                });
    }

    /** How long after the async timeout a sender in the middle of DATA may still report the real outcome. */
    static final long UNKNOWN_OUTCOME_GRACE_SECONDS = 60;

    private void complete(Request request, SendResult result) {
        pending.remove(request.future);
        if (SendResult.FAILED_TRANSIENT.equals(result.status())
                || SendResult.FAILED_PERMANENT.equals(result.status())) {
            failed.inc();
        }
        request.future.complete(Collections.singleton(result));
    }

    /** One request in flight: WAITING (may still be cancelled), SENDING (DATA may be under way), DONE. */
    private final class Request implements Runnable {
        private static final int WAITING = 0;
        private static final int SENDING = 1;
        private static final int DONE = 2;

        final RenderedEmail email;
        final ResultFuture<SendResult> future;
        final AtomicInteger state = new AtomicInteger(WAITING);
        volatile boolean expired;
        /** Set when an attempt passed the point of no return; cleared by {@link #dataFinished}'s caller. */
        volatile boolean dataStarted;

        Request(RenderedEmail email, ResultFuture<SendResult> future) {
            this.email = email;
            this.future = future;
        }

        /** Asked right before DATA: true moves the request past the point of no return. */
        boolean mayStartData() {
            dataStarted = !expired && state.compareAndSet(WAITING, SENDING);
            return dataStarted;
        }

        void dataFinished() {
            state.compareAndSet(SENDING, WAITING);
        }

        boolean cancel() {
            return state.compareAndSet(WAITING, DONE);
        }

        @Override
        public void run() {
            SendResult r;
            try {
                r = deliver(this);
            } catch (RuntimeException | Error e) {
                // Never leave a request uncompleted: the async operator would wait for it for ever.
                r = failedResult(
                        email,
                        System.currentTimeMillis(),
                        "unexpected error in the sender: " + e.getClass().getSimpleName(),
                        new ArrayList<>(1));
            }
            if (state.getAndSet(DONE) != DONE) {
                complete(this, r);
            }
        }
    }

    private SendResult deliver(Request req) {
        RenderedEmail email = req.email;
        long started = System.currentTimeMillis();
        List<Attempt> log = new ArrayList<>(1);
        if (req.expired) {
            return failedResult(email, started, "async timeout: not sent", log);
        }
        // The plain text exists only in this thread, for the SMTP client; results are made from the sealed e-mail.
        RenderedEmail plain;
        try {
            plain = cipher == null ? email : SealedEmails.open(email, cipher);
        } catch (KeyUnavailableException e) {
            unreadable.inc();
            log.add(new Attempt(0, started, 0, Attempt.Outcome.PERMANENT_FAILURE, -1, "recipient unreadable"));
            return result(
                    email,
                    SendStatus.FAILED_PERMANENT,
                    started,
                    -1,
                    "recipient unreadable: the user's data key is erased or missing; not sent",
                    log);
        }
        SendLedger.Claim claim = ledger.claim(email.requestId());
        switch (claim) {
            case ALREADY_SENT, IN_FLIGHT -> {
                skipped.inc();
                log.add(new Attempt(
                        0, started, 0, Attempt.Outcome.SKIPPED_ALREADY_SENT, -1, "request already accepted earlier"));
                return result(
                        email, SendResult.SKIPPED_ALREADY_SENT, started, -1, "request already accepted earlier", log);
            }
            case AMBIGUOUS -> {
                if (ambiguousPolicy == AmbiguousSendPolicy.SKIP) {
                    ledger.release(email.requestId());
                    ambiguousSkipped.inc();
                    String why =
                            "ambiguous: intent without acknowledgement before a restart; not sent again (policy skip)";
                    log.add(new Attempt(0, started, 0, Attempt.Outcome.SKIPPED_AMBIGUOUS, -1, why));
                    return result(email, SendResult.SKIPPED_AMBIGUOUS, started, -1, why, log);
                }
                ambiguousResent.inc();
            }
            case CLAIMED -> {}
        }
        boolean outcomeUnknown = false; // an attempt lost its connection after DATA had started
        try {
            if (!writeIntent(req)) {
                // Without a durable intent a crash during the transaction could neither be detected nor
                // resolved by policy: do not send. The request fails (transient) and is dead-lettered.
                ledger.release(email.requestId());
                return failedResult(email, started, "send ledger unavailable: intent not written, not sent", log);
            }
            for (int attempt = 1; ; attempt++) {
                rateLimits.acquire(plain.toAddress());
                if (req.expired) {
                    SendResult r = failedResult(
                            email,
                            started,
                            outcomeUnknown ? "async timeout after an interrupted DATA" : "async timeout: not sent",
                            log);
                    return outcomeUnknown ? released(email, r) : notSent(email, true, r);
                }
                long t0 = System.currentTimeMillis();
                req.dataStarted = false;
                try {
                    String reply = client.get().send(plain, req::mayStartData);
                    req.dataFinished();
                    long accepted = System.currentTimeMillis();
                    log.add(new Attempt(
                            attempt,
                            t0,
                            accepted - t0,
                            Attempt.Outcome.ACCEPTED,
                            replyCode(reply),
                            ErrorText.sanitize(reply)));
                    recordAcknowledgement(email, accepted);
                    sent.inc();
                    return result(email, SendResult.SENT, started, replyCode(reply), reply, log);
                } catch (DeliveryException e) {
                    req.dataFinished();
                    if (e.kind() == DeliveryException.Kind.CANCELLED) {
                        return notSent(email, true, failedResult(email, started, e.getMessage(), log));
                    }
                    boolean giveUp = !e.isTransient() || attempt >= retry.maxAttempts();
                    log.add(new Attempt(
                            attempt,
                            t0,
                            System.currentTimeMillis() - t0,
                            outcome(e),
                            e.smtpCode(),
                            ErrorText.sanitize(e.getMessage())));
                    if (e.kind() == DeliveryException.Kind.RELAY_REJECTED) {
                        relayRejections.inc();
                    }
                    outcomeUnknown = e.smtpCode() <= 0 && req.dataStarted;
                    if (giveUp) {
                        SendResult r = result(
                                email,
                                e.isTransient() ? SendResult.FAILED_TRANSIENT : SendResult.FAILED_PERMANENT,
                                started,
                                e.smtpCode(),
                                e.getMessage(),
                                log);
                        // A reply refused the message: definitely not sent. Without a reply (connection lost,
                        // maybe during DATA) the outcome is unknown and the intent stays: ambiguous on replay.
                        return outcomeUnknown ? released(email, r) : notSent(email, true, r);
                    }
                    retries.inc();
                    Thread.sleep(retry.delayBeforeRetry(attempt));
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return released(email, failedResult(email, started, "interrupted (job cancelled)", log));
        }
    }

    /**
     * Writes the request's intent to the ledger before its first attempt. A ledger that cannot be written
     * (the broker restarting, a partition moving) is waited for, with back-off, as long as the request has
     * not expired: an outage of the ledger's broker shorter than {@code delivery.timeout} delays e-mails but
     * fails none. Each refused write waits at most the ledger's write timeout ({@code smtp.timeout}).
     *
     * @return whether the intent is written; false once the request expired first
     */
    private boolean writeIntent(Request req) throws InterruptedException {
        RenderedEmail email = req.email;
        long backoffMs = INTENT_RETRY_FIRST_MS;
        while (!req.expired) {
            try {
                ledger.recordIntent(email.requestId(), email.userId(), email.messageId(), System.currentTimeMillis());
                return true;
            } catch (Exception e) {
                ledgerFailures.inc();
                Thread.sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, INTENT_RETRY_MAX_MS);
            }
        }
        return false;
    }

    /** Back-off between refused intent writes: 100 ms, doubling, at most 2 s. */
    static final long INTENT_RETRY_FIRST_MS = 100;

    static final long INTENT_RETRY_MAX_MS = 2_000;

    private static Attempt.Outcome outcome(DeliveryException e) {
        return switch (e.kind()) {
            case TRANSIENT -> Attempt.Outcome.TRANSIENT_FAILURE;
            case RECIPIENT_REJECTED -> Attempt.Outcome.RECIPIENT_REJECTED;
            default -> Attempt.Outcome.PERMANENT_FAILURE;
        };
    }

    private SendResult notSent(RenderedEmail email, boolean intentWritten, SendResult r) {
        if (intentWritten) {
            ledger.recordNotSent(email.requestId());
        } else {
            ledger.release(email.requestId());
        }
        return r;
    }

    private SendResult released(RenderedEmail email, SendResult r) {
        ledger.release(email.requestId());
        return r;
    }

    private void recordAcknowledgement(RenderedEmail email, long acceptedAt) {
        try {
            ledger.recordSent(email.requestId(), email.userId(), email.messageId(), acceptedAt);
        } catch (Exception e) {
            // The message is out and its intent is in the ledger: after a restart it is ambiguous and
            // handled by the policy, never silently re-sent as if new.
            ledgerFailures.inc();
        }
    }

    private static int replyCode(String reply) {
        if (reply != null && reply.length() >= 3 && Character.isDigit(reply.charAt(0))) {
            try {
                return Integer.parseInt(reply.substring(0, 3));
            } catch (NumberFormatException ignored) {
                // not a reply code
            }
        }
        return -1;
    }

    private static SendResult failedResult(RenderedEmail e, long started, String reason, List<Attempt> log) {
        return result(e, SendResult.FAILED_TRANSIENT, started, -1, reason, log);
    }

    private static SendResult result(
            RenderedEmail e, SendStatus status, long started, int code, String reply, List<Attempt> log) {
        long now = System.currentTimeMillis();
        return new SendResult(
                e.requestId(),
                e.messageId(),
                e.campaignId(),
                e.variant(),
                e.userId(),
                status,
                (int) log.stream().filter(a -> a.number() > 0).count(),
                now - started,
                ErrorText.sanitize(reply),
                now,
                code,
                List.copyOf(log));
    }

    /** Relay-level rejections so far (the alert metric {@code relayRejections}); for tests. */
    long relayRejections() {
        return relayRejections.getCount();
    }

    @Override
    public void close() throws Exception {
        if (executor != null) {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (allClients != null) {
            allClients.forEach(MailClient::close);
        }
        if (ledger != null) {
            ledger.close();
        }
        if (cipher != null) {
            cipher.close();
        }
    }
}
