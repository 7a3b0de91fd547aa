package io.mailflow.model;

/** Whether a catalog item can be bought now. */
public enum Availability {
    IN_STOCK,
    OUT_OF_STOCK,
    /** orderable now, delivered later */
    PREORDER,
    /** no longer sold */
    DISCONTINUED
}
