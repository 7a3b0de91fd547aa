package io.mailflow.delivery;

import java.io.Serializable;

/** Opens the ledger inside each sender instance; the seam through which tests choose one. */
@FunctionalInterface
public interface SendLedgerFactory extends Serializable {
    SendLedger open();

    static SendLedgerFactory none() {
        return () -> SendLedger.NONE;
    }
}
