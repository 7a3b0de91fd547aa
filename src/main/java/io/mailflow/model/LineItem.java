package io.mailflow.model;

/** An item a user put in the cart or bought, as far as the events tell us. */
public record LineItem(String itemId, String categoryId, Double price, int quantity, long lastSeen) {}
