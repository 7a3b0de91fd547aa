package io.mailflow.model;

/** An e-mail request joined with the recipient's profile. */
public record AddressedRequest(EmailRequest request, Recipient recipient) {}
