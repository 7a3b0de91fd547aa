package io.mailflow.feedback;

/**
 * The attribution rule, Flink-free: a purchase is credited to one e-mail of the buyer, <em>last
 * touch, clicks first</em>. Among the buyer's e-mails clicked within the window before the purchase,
 * the most recently clicked wins; if none was clicked, the most recently sent e-mail (or holdout
 * assignment) within the window wins; otherwise the purchase is not attributed. Ties on time go to
 * the larger request id so that a replay attributes exactly as the live run did.
 */
public final class Attribution {
    private Attribution() {}

    /** The e-mail credited with a purchase at {@code purchaseAt}, or null. */
    public static MessageTouch lastTouch(Iterable<MessageTouch> messages, long purchaseAt, long windowMs) {
        MessageTouch bestClick = null;
        MessageTouch bestSend = null;
        for (MessageTouch m : messages) {
            if (within(m.lastClickAt(), purchaseAt, windowMs)
                    && later(m, m.lastClickAt(), bestClick, bestClick == null ? 0 : bestClick.lastClickAt())) {
                bestClick = m;
            }
            if (within(m.sentAt(), purchaseAt, windowMs)
                    && later(m, m.sentAt(), bestSend, bestSend == null ? 0 : bestSend.sentAt())) {
                bestSend = m;
            }
        }
        return bestClick != null ? bestClick : bestSend;
    }

    private static boolean within(long touchAt, long purchaseAt, long windowMs) {
        return touchAt >= 0 && touchAt <= purchaseAt && purchaseAt - touchAt <= windowMs;
    }

    private static boolean later(MessageTouch m, long at, MessageTouch best, long bestAt) {
        return best == null || at > bestAt || (at == bestAt && m.requestId().compareTo(best.requestId()) > 0);
    }
}
