package io.mailflow.delivery;

import io.mailflow.model.RenderedEmail;
import io.mailflow.model.SendResult;
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
 * Sends e-mails from Flink's async I/O operator. The blocking SMTP exchange runs on a bounded pool
 * of threads, each with its own {@link MailClient} (so each keeps one SMTP connection open); the
 * operator's capacity bounds how many requests wait, which turns a slow server into backpressure.
 *
 * <p>Transient failures are retried with {@link RetryPolicy}; the result says how many attempts it
 * took. Every request ends in exactly one {@link SendResult}: SENT, FAILED_PERMANENT or
 * FAILED_TRANSIENT (retries exhausted or the operator timeout hit).
 */
public final class AsyncEmailSender extends RichAsyncFunction<RenderedEmail, SendResult> {
    private static final long serialVersionUID = 1L;

    private final MailClientFactory clients;
    private final int threads;
    private final int capacity;
    private final RetryPolicy retry;

    private transient ThreadPoolExecutor executor;
    private transient ThreadLocal<MailClient> client;
    private transient List<MailClient> allClients;
    private transient Counter sent;
    private transient Counter failed;
    private transient Counter retries;

    public AsyncEmailSender(MailClientFactory clients, int threads, int capacity, RetryPolicy retry) {
        this.clients = clients;
        this.threads = threads;
        this.capacity = capacity;
        this.retry = retry;
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
        sent = getRuntimeContext().getMetricGroup().counter("emailsSent");
        failed = getRuntimeContext().getMetricGroup().counter("emailsFailed");
        retries = getRuntimeContext().getMetricGroup().counter("sendRetries");
    }

    @Override
    public void asyncInvoke(RenderedEmail email, ResultFuture<SendResult> result) {
        executor.execute(() -> result.complete(Collections.singleton(deliver(email))));
    }

    SendResult deliver(RenderedEmail email) {
        long started = System.nanoTime();
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                String reply = client.get().send(email);
                sent.inc();
                return result(email, "SENT", attempt, started, reply);
            } catch (DeliveryException e) {
                if (!e.isTransient() || attempt >= retry.maxAttempts()) {
                    failed.inc();
                    return result(email, e.isTransient() ? "FAILED_TRANSIENT" : "FAILED_PERMANENT", attempt, started, e.getMessage());
                }
                retries.inc();
                try {
                    Thread.sleep(retry.delayBeforeRetry(attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return result(email, "FAILED_TRANSIENT", attempt, started, "interrupted during retry backoff");
                }
            }
        }
    }

    private static SendResult result(RenderedEmail e, String status, int attempts, long startedNanos, String reply) {
        return new SendResult(
                e.requestId(),
                e.messageId(),
                e.campaignId(),
                e.userId(),
                status,
                attempts,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos),
                reply,
                System.currentTimeMillis());
    }

    @Override
    public void timeout(RenderedEmail email, ResultFuture<SendResult> result) {
        failed.inc();
        result.complete(Collections.singleton(new SendResult(
                email.requestId(), email.messageId(), email.campaignId(), email.userId(),
                "FAILED_TRANSIENT", 0, -1, "async timeout exceeded", System.currentTimeMillis())));
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
    }
}
