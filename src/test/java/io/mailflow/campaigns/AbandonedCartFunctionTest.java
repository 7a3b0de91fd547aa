package io.mailflow.campaigns;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.EmailRequest;
import io.mailflow.model.Event;
import io.mailflow.model.LineItem;
import io.mailflow.model.SessionSummary;
import io.mailflow.testing.Events;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AbandonedCartFunctionTest {
    private static final Duration DELAY = Duration.ofHours(1);
    private static final Duration GAP = Duration.ofMinutes(30);

    private KeyedTwoInputStreamOperatorTestHarness<String, SessionSummary, Event, EmailRequest> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new AbandonedCartFunction(DELAY, GAP)),
                SessionSummary::userId,
                Event::userId,
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void emailsWhenNoPurchaseWithinTheDelayAndClearsEverything() throws Exception {
        harness.processElement1(session("u1", BEGINNING, BEGINNING + 10 * ONE_MINUTE, 1, 0), BEGINNING);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processBothWatermarks(new Watermark(BEGINNING + 10 * ONE_MINUTE + ONE_HOUR - 1));
        assertThat(requests()).isEmpty();

        harness.processBothWatermarks(new Watermark(BEGINNING + 10 * ONE_MINUTE + ONE_HOUR));
        List<EmailRequest> out = requests();
        assertThat(out).hasSize(1);
        EmailRequest r = out.get(0);
        assertThat(r.userId()).isEqualTo("u1");
        assertThat(r.campaignId()).isEqualTo("abandoned-cart");
        assertThat(r.items()).extracting(LineItem::itemId).containsExactly("sku-0");
        assertThat(r.triggeredAt()).isEqualTo(BEGINNING + 10 * ONE_MINUTE + ONE_HOUR);
        assertThat(r.requestId()).isEqualTo(RequestIds.of("abandoned-cart", "u1", "u1@" + BEGINNING));

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void purchaseWithinTheDelayCancelsEvenWhenItArrivesBeforeTheSummary() throws Exception {
        long end = BEGINNING + 5 * ONE_MINUTE;
        harness.processElement2(Events.purchase("u1", "sku-0", 9.0, end + 40 * ONE_MINUTE), end + 40 * ONE_MINUTE);
        harness.processElement1(session("u1", BEGINNING, end, 1, 0), end);
        harness.processBothWatermarks(new Watermark(end + 3 * ONE_HOUR));

        assertThat(requests()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void purchaseAfterTheDelayDoesNotCancel() throws Exception {
        long end = BEGINNING + 5 * ONE_MINUTE;
        harness.processElement1(session("u1", BEGINNING, end, 1, 0), end);
        harness.processElement2(Events.purchase("u1", "sku-0", 9.0, end + 2 * ONE_HOUR), end + 2 * ONE_HOUR);
        harness.processBothWatermarks(new Watermark(end + 4 * ONE_HOUR));

        assertThat(requests()).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void purchaseBeforeTheSessionEndedDoesNotCancel() throws Exception {
        long end = BEGINNING + 50 * ONE_MINUTE;
        harness.processElement2(Events.purchase("u1", "sku-9", 9.0, BEGINNING), BEGINNING);
        harness.processElement1(session("u1", BEGINNING + 40 * ONE_MINUTE, end, 1, 0), end);
        harness.processBothWatermarks(new Watermark(end + 4 * ONE_HOUR));

        assertThat(requests()).hasSize(1);
    }

    @Test
    void newerAbandonedSessionBeforeTheEmailWasDueSupersedesTheOlderOne() throws Exception {
        long firstEnd = BEGINNING + 5 * ONE_MINUTE;
        long secondEnd = firstEnd + 45 * ONE_MINUTE; // before firstEnd + 1 h
        harness.processElement1(session("u1", BEGINNING, firstEnd, 1, 0), firstEnd);
        harness.processElement1(session("u1", secondEnd - ONE_MINUTE, secondEnd, 2, 0), secondEnd);
        harness.processBothWatermarks(new Watermark(secondEnd + 2 * ONE_HOUR));

        List<EmailRequest> out = requests();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).items()).hasSize(2);
        assertThat(out.get(0).sessionKey()).isEqualTo("u1@" + (secondEnd - ONE_MINUTE));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void abandonedSessionsFurtherApartThanTheDelayEachGetAnEmail() throws Exception {
        long firstEnd = BEGINNING + 5 * ONE_MINUTE;
        long secondEnd = firstEnd + 2 * ONE_HOUR;
        harness.processElement1(session("u1", BEGINNING, firstEnd, 1, 0), firstEnd);
        harness.processElement1(session("u1", secondEnd - ONE_MINUTE, secondEnd, 1, 0), secondEnd);
        harness.processBothWatermarks(new Watermark(secondEnd + 2 * ONE_HOUR));

        assertThat(requests()).hasSize(2).extracting(EmailRequest::requestId).doesNotHaveDuplicates();
    }

    @Test
    void sessionsWithoutAbandonedCartsLeaveNoState() throws Exception {
        harness.processElement1(session("u1", BEGINNING, BEGINNING + ONE_MINUTE, 0, 0), BEGINNING);
        harness.processElement1(session("u2", BEGINNING, BEGINNING + ONE_MINUTE, 1, 1), BEGINNING);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private List<EmailRequest> requests() {
        return harness.extractOutputValues();
    }

    /** A session with {@code cartItems} items left in the cart and {@code purchases} purchases. */
    static SessionSummary session(String user, long start, long end, int cartItems, int purchases) {
        List<LineItem> items = new java.util.ArrayList<>();
        for (int i = 0; i < cartItems; i++) {
            items.add(new LineItem("sku-" + i, "cat-1", 10.0, 1, end));
        }
        return new SessionSummary(user + "@" + start, user, start, end, end - start, 1, 0, 0, cartItems, 0, 0,
                purchases, purchases * 10.0, "USD", 1, List.of(), List.copyOf(items), List.of(), List.of());
    }
}
