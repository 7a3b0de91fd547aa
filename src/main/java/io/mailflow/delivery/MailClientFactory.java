package io.mailflow.delivery;

import java.io.Serializable;

/** Creates mail clients inside the task manager; the seam through which tests inject their own. */
@FunctionalInterface
public interface MailClientFactory extends Serializable {
    MailClient create();
}
