package io.mailflow.delivery;

import io.mailflow.model.Attempt;
import io.mailflow.model.RenderedEmail;
import io.mailflow.model.SendResult;
import io.mailflow.model.SendStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Per request: skip it if the {@link SendLedger} says it was already accepted; wait for the relay's and
 * the recipient domain's rate limits; try, retrying transient failures with {@link RetryPolicy}; record an
 * acceptance in the ledger before completing. Every request ends in exactly one {@link SendResult} with
 * its full attempt log.
 */
public final class AsyncEmailSender extends RichAsyncFunction<RenderedEmail, SendResult> {
    private static final long serialVersionUID = 1L;

    private final MailClientFactory clients;
    private final SendLedgerFactory ledgers;
    private final int threads;
    private final int capacity;
    private final RetryPolicy retry;
    private final RateLimits.Config limits;

    private transient ThreadPoolExecutor executor;
    private transient ThreadLocal<MailClient> client;
    private transient List<MailClient> allClients;
    private transient SendLedger ledger;
    private transient RateLimits rateLimits;
    private transient Counter sent;
    private transient Counter failed;
    private transient Counter retries;
    private transient Counter skipped;
    private transient Counter ledgerFailures;

    public AsyncEmailSender(MailClientFactory clients, SendLedgerFactory ledgers, int threads, int capacity,
            RetryPolicy retry, RateLimits.Config limits) {
        this.clients = clients;
        this.ledgers = ledgers;
        this.threads = threads;
        this.capacity = capacity;
        this.retry = retry;
        this.limits = limits;
    }

    @Override
    public void open(OpenContext ctx) {
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(capacity, 1)),
                r -> {
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
        ledger = ledgers.open();
        rateLimits = limits.forInstance(getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        var metrics = getRuntimeContext().getMetricGroup();
        sent = metrics.counter("emailsSent");
        failed = metrics.counter("emailsFailed");
        retries = metrics.counter("sendRetries");
        skipped = metrics.counter("emailsSkippedAlreadySent");
        ledgerFailures = metrics.counter("sendLedgerWriteFailures");
    }

    @Override
    public void asyncInvoke(RenderedEmail email, ResultFuture<SendResult> result) {
        executor.execute(() -> result.complete(Collections.singleton(deliver(email))));
    }

    SendResult deliver(RenderedEmail email) {
        long started = System.currentTimeMillis();
        List<Attempt> log = new ArrayList<>(1);
        if (!ledger.tryClaim(email.requestId())) {
            skipped.inc();
            log.add(new Attempt(0, started, 0, Attempt.Outcome.SKIPPED_ALREADY_SENT, -1, "request already accepted earlier"));
            return result(email, SendStatus.SKIPPED_ALREADY_SENT, started, -1, "request already accepted earlier", log);
        }
        try {
            rateLimits.acquire(email.toAddress());
            for (int attempt = 1; ; attempt++) {
                long t0 = System.currentTimeMillis();
                try {
                    String reply = client.get().send(email);
                    long accepted = System.currentTimeMillis();
                    log.add(new Attempt(attempt, t0, accepted - t0, Attempt.Outcome.ACCEPTED, replyCode(reply), reply));
                    recordInLedger(email, accepted);
                    sent.inc();
                    return result(email, SendStatus.SENT, started, replyCode(reply), reply, log);
                } catch (DeliveryException e) {
                    boolean giveUp = !e.isTransient() || attempt >= retry.maxAttempts();
                    log.add(new Attempt(attempt, t0, System.currentTimeMillis() - t0,
                            e.isTransient() ? Attempt.Outcome.TRANSIENT_FAILURE : Attempt.Outcome.PERMANENT_FAILURE, e.smtpCode(),
                            e.getMessage()));
                    if (giveUp) {
                        ledger.release(email.requestId());
                        failed.inc();
                        return result(email, e.isTransient() ? SendStatus.FAILED_TRANSIENT : SendStatus.FAILED_PERMANENT,
                                started, e.smtpCode(), e.getMessage(), log);
                    }
                    retries.inc();
                    Thread.sleep(retry.delayBeforeRetry(attempt));
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            ledger.release(email.requestId());
            return result(email, SendStatus.FAILED_TRANSIENT, started, -1, "interrupted (job cancelled)", log);
        }
    }

    private void recordInLedger(RenderedEmail email, long acceptedAt) {
        try {
            ledger.recordSent(email.requestId(), email.messageId(), acceptedAt);
        } catch (Exception e) {
            // The message is out; a restart before the next checkpoint could send it again.
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

    private static SendResult result(RenderedEmail e, SendStatus status, long started, int code, String reply, List<Attempt> log) {
        long now = System.currentTimeMillis();
        return new SendResult(e.requestId(), e.messageId(), e.campaignId(), e.variant(), e.userId(), status,
                (int) log.stream().filter(a -> a.number() > 0).count(), now - started, reply, now, code, List.copyOf(log));
    }

    @Override
    public void timeout(RenderedEmail email, ResultFuture<SendResult> result) {
        failed.inc();
        long now = System.currentTimeMillis();
        result.complete(Collections.singleton(new SendResult(email.requestId(), email.messageId(), email.campaignId(),
                email.variant(), email.userId(), SendStatus.FAILED_TRANSIENT, 0, -1, "async timeout exceeded", now, -1, List.of())));
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
    }
}
