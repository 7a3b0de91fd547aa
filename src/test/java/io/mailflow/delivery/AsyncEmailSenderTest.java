package io.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.delivery.ScriptedSmtpServer.Stage;
import io.mailflow.model.Attempt;
import io.mailflow.model.RenderedEmail;
import io.mailflow.model.SendResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sender inside Flink's real async operator (harness: processing time is set by the test, so timeouts
 * fire exactly when the test says). Issue 11, items 6, 7, 9 and 13.
 */
class AsyncEmailSenderTest {
    private static final long TIMEOUT = 1_000;
    private static final RetryPolicy NO_BACKOFF = new RetryPolicy(5, 0, 0);
    private static final RateLimits.Config UNLIMITED = new RateLimits.Config(0, 0);

    private final CountDownLatch gate = new CountDownLatch(1);
    private OneInputStreamOperatorTestHarness<RenderedEmail, SendResult> harness;

    @AfterEach
    void openTheGate() throws Exception {
        gate.countDown();
        if (harness != null) {
            harness.close();
        }
    }

    private OneInputStreamOperatorTestHarness<RenderedEmail, SendResult> start(AsyncEmailSender sender, int capacity)
            throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(sender, TIMEOUT, capacity, AsyncDataStream.OutputMode.UNORDERED),
                TypeInformation.of(RenderedEmail.class).createSerializer(new SerializerConfigImpl()),
                new MockEnvironmentBuilder().build());
        harness.open();
        return harness;
    }

    /** Runs the operator's mailbox until {@code n} results are out (completions arrive from sender threads). */
    private List<SendResult> awaitResults(int n) throws Exception {
        TaskMailbox mailbox = harness.getTaskMailbox();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (harness.extractOutputValues().size() < n && System.nanoTime() < deadline) {
            var mail = mailbox.tryTake(TaskMailbox.MIN_PRIORITY);
            if (mail.isPresent()) {
                mail.get().run();
            } else {
                Thread.sleep(5);
            }
        }
        assertThat(harness.extractOutputValues()).hasSize(n);
        return harness.extractOutputValues();
    }

    private static AsyncEmailSender sender(
            MailClientFactory clients,
            SendLedgerFactory ledger,
            int threads,
            int capacity,
            RetryPolicy retry,
            RateLimits.Config limits,
            AmbiguousSendPolicy policy) {
        return new AsyncEmailSender(clients, ledger, threads, capacity, retry, limits, policy);
    }

    /** A client that waits at the gate (a slow connect), then asks before DATA as the contract says. */
    private final class GatedClient implements MailClient {
        final List<String> sent;

        GatedClient(List<String> sent) {
            this.sent = sent;
        }

        @Override
        public String send(RenderedEmail email) {
            throw new UnsupportedOperationException("the sender must use send(email, mayStartData)");
        }

        @Override
        public String send(RenderedEmail email, BooleanSupplier mayStartData) throws DeliveryException {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!mayStartData.getAsBoolean()) {
                throw DeliveryException.cancelled();
            }
            sent.add(email.requestId());
            return "250 2.0.0 Ok";
        }

        @Override
        public void close() {}
    }

    @Test
    void aTimedOutRequestIsNeverSentAfterwards() throws Exception {
        List<String> sent = new CopyOnWriteArrayList<>();
        start(
                sender(
                        () -> new GatedClient(sent),
                        SendLedgerFactory.none(),
                        1,
                        4,
                        NO_BACKOFF,
                        UNLIMITED,
                        AmbiguousSendPolicy.RESEND),
                4);
        harness.processElement(Emails.to("r1", "u1", "ann@example.com"), 0);
        harness.setProcessingTime(TIMEOUT + 1);
        List<SendResult> results = awaitResults(1);
        assertThat(results.get(0).status()).isEqualTo(SendResult.FAILED_TRANSIENT);

        gate.countDown(); // the slow server answers at last: the sender must not go on to DATA
        harness.endInput();
        assertThat(sent).isEmpty();
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @Test
    void aTimeoutWhileWaitingForTheServerAbandonsTheTransactionBeforeData() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().hold(Stage.RCPT)) {
            start(
                    sender(
                            () -> new SmtpMailClient(Emails.smtp(server.port())),
                            SendLedgerFactory.none(),
                            1,
                            4,
                            NO_BACKOFF,
                            UNLIMITED,
                            AmbiguousSendPolicy.RESEND),
                    4);
            harness.processElement(Emails.to("r1", "u1", "ann@example.com"), 0);
            assertThat(server.awaitHeld(20)).isTrue(); // the client waits for the reply to RCPT TO
            harness.setProcessingTime(TIMEOUT + 1);
            assertThat(awaitResults(1).get(0).status()).isEqualTo(SendResult.FAILED_TRANSIENT);

            server.release(); // "250" to RCPT TO arrives after the timeout
            harness.endInput();
            assertThat(server.dataCommands()).isZero();
            assertThat(server.accepted()).isEmpty();
        }
    }

    @Test
    void timeoutsNeverOverflowTheExecutorQueue() throws Exception {
        List<String> sent = new CopyOnWriteArrayList<>();
        start(
                sender(
                        () -> new GatedClient(sent),
                        SendLedgerFactory.none(),
                        1,
                        2,
                        NO_BACKOFF,
                        UNLIMITED,
                        AmbiguousSendPolicy.RESEND),
                2);
        harness.processElement(Emails.to("r1", "u1", "a@example.com"), 0); // runs, blocked at the gate
        harness.processElement(Emails.to("r2", "u2", "b@example.com"), 0); // queued
        harness.setProcessingTime(TIMEOUT + 1); // both time out: Flink frees their two slots
        awaitResults(2);
        harness.processElement(Emails.to("r3", "u3", "c@example.com"), TIMEOUT + 1);
        harness.processElement(Emails.to("r4", "u4", "d@example.com"), TIMEOUT + 1); // threw RejectedExecutionException
        gate.countDown();
        harness.endInput();
        List<SendResult> results = harness.extractOutputValues();
        assertThat(results).hasSize(4);
        assertThat(sent).containsExactlyInAnyOrder("r3", "r4");
    }

    @Test
    void retriesWaitForTheRateLimit() throws Exception {
        List<Long> attempts = new CopyOnWriteArrayList<>();
        MailClientFactory flaky = () -> new MailClient() {
            @Override
            public String send(RenderedEmail email) throws DeliveryException {
                attempts.add(System.nanoTime());
                if (attempts.size() < 4) {
                    throw new DeliveryException("451 4.3.0 try again", DeliveryException.Kind.TRANSIENT, 451, null);
                }
                return "250 Ok";
            }

            @Override
            public void close() {}
        };
        // 2 messages per second, burst 2: four attempts need at least one second, however fast they fail.
        start(
                sender(
                        flaky,
                        SendLedgerFactory.none(),
                        1,
                        4,
                        NO_BACKOFF,
                        new RateLimits.Config(2, 0),
                        AmbiguousSendPolicy.RESEND),
                4);
        harness.processElement(Emails.to("r1", "u1", "ann@example.com"), 0);
        assertThat(awaitResults(1).get(0).status()).isEqualTo(SendResult.SENT);
        assertThat(attempts).hasSize(4);
        assertThat(Duration.ofNanos(attempts.get(3) - attempts.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void aRelayRejectionRaisesTheAlertMetricAndIsNoBounce() throws Exception {
        MailClientFactory relay = () -> new MailClient() {
            @Override
            public String send(RenderedEmail email) throws DeliveryException {
                throw new DeliveryException(
                        "530 5.7.0 Authentication required", DeliveryException.Kind.RELAY_REJECTED, 530, null);
            }

            @Override
            public void close() {}
        };
        AsyncEmailSender s =
                sender(relay, SendLedgerFactory.none(), 1, 4, NO_BACKOFF, UNLIMITED, AmbiguousSendPolicy.RESEND);
        start(s, 4);
        harness.processElement(Emails.to("r1", "u1", "ann@example.com"), 0);
        SendResult r = awaitResults(1).get(0);
        assertThat(r.status()).isEqualTo(SendResult.FAILED_PERMANENT);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.attemptLog()).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.PERMANENT_FAILURE);
        assertThat(s.relayRejections()).isEqualTo(1);
    }

    @Test
    void errorTextsLeavingTheSenderCarryNoAddress() throws Exception {
        MailClientFactory leaky = () -> new MailClient() {
            @Override
            public String send(RenderedEmail email) throws DeliveryException {
                throw new DeliveryException(
                        "Invalid Addresses: " + email.toAddress() + "\r\n550 5.1.1 <" + email.toAddress()
                                + ">: user unknown " + "x".repeat(5_000),
                        DeliveryException.Kind.RECIPIENT_REJECTED,
                        550,
                        null);
            }

            @Override
            public void close() {}
        };
        start(sender(leaky, SendLedgerFactory.none(), 1, 4, NO_BACKOFF, UNLIMITED, AmbiguousSendPolicy.RESEND), 4);
        harness.processElement(Emails.to("r1", "u1", "Ann.Lee+shop@Example.COM"), 0);
        SendResult r = awaitResults(1).get(0);
        String all = r.toString();
        assertThat(all)
                .doesNotContainIgnoringCase("ann.lee")
                .doesNotContainIgnoringCase("example.com")
                .contains("5.1.1");
        assertThat(r.smtpReply()).hasSizeLessThanOrEqualTo(ErrorText.MAX_LENGTH).doesNotContain("\r", "\n");
        assertThat(r.attemptLog()).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.RECIPIENT_REJECTED);
    }

    @Test
    void withEncryptionOnlyTheSmtpClientSeesThePlainEmailAndAnErasedRecipientIsNotSent() throws Exception {
        io.mailflow.privacy.EncryptionSettings enc = new io.mailflow.privacy.EncryptionSettings(
                true,
                "m1",
                java.util.Base64.getEncoder().encodeToString(new byte[32]),
                io.mailflow.privacy.InMemoryUserKeyTopic.named("sender-sealed"));
        io.mailflow.privacy.PersonalDataCipher cipher = enc.open();
        RenderedEmail sealed =
                io.mailflow.email.SealedEmails.seal(Emails.to("r1", "u1", "ann@example.com"), cipher, true);
        RenderedEmail erased =
                io.mailflow.email.SealedEmails.seal(Emails.to("r2", "u2", "bob@example.com"), cipher, true);
        cipher.erase("u2");
        List<String> seen = new CopyOnWriteArrayList<>();
        MailClientFactory recording = () -> new MailClient() {
            @Override
            public String send(RenderedEmail email) {
                seen.add(email.toAddress() + " " + email.toName() + " " + email.subject() + " " + email.text());
                return "250 OK";
            }

            @Override
            public void close() {}
        };
        start(
                new AsyncEmailSender(
                        recording,
                        SendLedgerFactory.none(),
                        1,
                        4,
                        NO_BACKOFF,
                        UNLIMITED,
                        AmbiguousSendPolicy.RESEND,
                        enc),
                4);
        harness.processElement(sealed, 0);
        harness.processElement(erased, 0);
        List<SendResult> results = awaitResults(2);
        assertThat(seen).containsExactly("ann@example.com Ann Your cart Hello");
        assertThat(results)
                .filteredOn(r -> r.requestId().equals("r2"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.status()).isEqualTo(io.mailflow.model.SendStatus.FAILED_PERMANENT);
                    assertThat(r.smtpReply()).contains("recipient unreadable");
                });
        assertThat(results.toString()).doesNotContain("ann@example.com").doesNotContain("bob@example.com");
    }

    /** A ledger that records the order of calls, and can refuse to write. */
    static final class RecordingLedger implements SendLedger {
        final List<String> calls = new CopyOnWriteArrayList<>();
        /** How many intent writes fail before one succeeds. */
        final java.util.concurrent.atomic.AtomicInteger intentFailures;

        final Claim answer;

        RecordingLedger(boolean intentFails, Claim answer) {
            this(intentFails ? Integer.MAX_VALUE : 0, answer);
        }

        RecordingLedger(int intentFailures, Claim answer) {
            this.intentFailures = new java.util.concurrent.atomic.AtomicInteger(intentFailures);
            this.answer = answer;
        }

        @Override
        public Claim claim(String requestId) {
            calls.add("claim");
            return answer;
        }

        @Override
        public void recordIntent(String requestId, String userId, String messageId, long at) throws Exception {
            calls.add("intent");
            if (intentFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new Exception("broker unavailable");
            }
        }

        @Override
        public void recordSent(String requestId, String userId, String messageId, long acceptedAt) {
            calls.add("sent");
        }

        @Override
        public void recordNotSent(String requestId) {
            calls.add("notSent");
        }

        @Override
        public void release(String requestId) {
            calls.add("release");
        }

        @Override
        public void close() {}
    }

    private static final RecordingLedger[] LEDGER = new RecordingLedger[1];

    private MailClientFactory recordingClient(List<String> calls) {
        return () -> new MailClient() {
            @Override
            public String send(RenderedEmail email) {
                calls.add("smtp");
                return "250 Ok";
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void theIntentIsWrittenBeforeTheSmtpAttemptAndTheAcknowledgementAfter() throws Exception {
        LEDGER[0] = new RecordingLedger(false, SendLedger.Claim.CLAIMED);
        start(
                sender(
                        recordingClient(LEDGER[0].calls),
                        () -> LEDGER[0],
                        1,
                        4,
                        NO_BACKOFF,
                        UNLIMITED,
                        AmbiguousSendPolicy.RESEND),
                4);
        harness.processElement(Emails.to("r1", "u1", "ann@example.com"), 0);
        assertThat(awaitResults(1).get(0).status()).isEqualTo(SendResult.SENT);
        assertThat(LEDGER[0].calls).containsExactly("claim", "intent", "smtp", "sent");
    }

    @Test
    void aLedgerThatNeverTakesTheIntentFailsTheRequestAtItsTimeoutWithoutSending() throws Exception {
        LEDGER[0] = new RecordingLedger(true, SendLedger.Claim.CLAIMED);
        start(
                sender(
                        recordingClient(LEDGER[0].calls),
                        () -> LEDGER[0],
                        1,
                        4,
                        NO_BACKOFF,
                        UNLIMITED,
                        AmbiguousSendPolicy.RESEND),
                4);
        harness.processElement(Emails.to("r1", "u1", "ann@example.com"), 0);
        // the sender keeps trying the ledger until the request expires
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (LEDGER[0].calls.stream().filter("intent"::equals).count() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(harness.extractOutputValues())
                .as("no result before the timeout")
                .isEmpty();
        harness.setProcessingTime(TIMEOUT + 1);
        SendResult r = awaitResults(1).get(0);
        assertThat(r.status()).isEqualTo(SendResult.FAILED_TRANSIENT);
        assertThat(r.smtpReply()).contains("not sent");
        // the sender thread sees the expiry after its current back-off and releases its claim
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!LEDGER[0].calls.contains("release") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(LEDGER[0].calls).doesNotContain("smtp").endsWith("release");
    }

    @Test
    void aLedgerOutageShorterThanTheTimeoutDelaysTheEmailButDoesNotFailIt() throws Exception {
        LEDGER[0] = new RecordingLedger(3, SendLedger.Claim.CLAIMED);
        start(
                sender(
                        recordingClient(LEDGER[0].calls),
                        () -> LEDGER[0],
                        1,
                        4,
                        NO_BACKOFF,
                        UNLIMITED,
                        AmbiguousSendPolicy.RESEND),
                4);
        harness.processElement(Emails.to("r1", "u1", "ann@example.com"), 0);
        assertThat(awaitResults(1).get(0).status()).isEqualTo(SendResult.SENT);
        assertThat(LEDGER[0].calls).containsExactly("claim", "intent", "intent", "intent", "intent", "smtp", "sent");
    }

    @Test
    void anAmbiguousRequestIsSkippedAndReportedUnderTheSkipPolicy() throws Exception {
        LEDGER[0] = new RecordingLedger(false, SendLedger.Claim.AMBIGUOUS);
        start(
                sender(
                        recordingClient(LEDGER[0].calls),
                        () -> LEDGER[0],
                        1,
                        4,
                        NO_BACKOFF,
                        UNLIMITED,
                        AmbiguousSendPolicy.SKIP),
                4);
        harness.processElement(Emails.to("r1", "u1", "ann@example.com"), 0);
        SendResult r = awaitResults(1).get(0);
        assertThat(r.status()).isEqualTo(SendResult.SKIPPED_AMBIGUOUS);
        assertThat(LEDGER[0].calls).containsExactly("claim", "release");
    }

    @Test
    void anAmbiguousRequestIsSentAgainUnderTheResendPolicy() throws Exception {
        LEDGER[0] = new RecordingLedger(false, SendLedger.Claim.AMBIGUOUS);
        start(
                sender(
                        recordingClient(LEDGER[0].calls),
                        () -> LEDGER[0],
                        1,
                        4,
                        NO_BACKOFF,
                        UNLIMITED,
                        AmbiguousSendPolicy.RESEND),
                4);
        harness.processElement(Emails.to("r1", "u1", "ann@example.com"), 0);
        assertThat(awaitResults(1).get(0).status()).isEqualTo(SendResult.SENT);
        assertThat(LEDGER[0].calls).containsExactly("claim", "intent", "smtp", "sent");
    }
}
