package io.mailflow.model;

/** The kinds of shopper behaviour Mailflow understands. The wire form is the constant's name. */
public enum EventType {
    VIEW,
    CLICK,
    SEARCH,
    ADD_TO_CART,
    REMOVE_FROM_CART,
    FAVORITE,
    PURCHASE
}
