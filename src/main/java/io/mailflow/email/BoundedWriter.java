package io.mailflow.email;

import java.io.Writer;

/** A string writer that refuses to grow past a limit, so no template can render an unbounded part. */
final class BoundedWriter extends Writer {
    private final StringBuilder out = new StringBuilder(4096);
    private final int maxChars;

    BoundedWriter(int maxChars) {
        this.maxChars = maxChars;
    }

    @Override
    public void write(char[] buf, int off, int len) {
        check(len);
        out.append(buf, off, len);
    }

    @Override
    public void write(String s, int off, int len) {
        check(len);
        out.append(s, off, off + len);
    }

    private void check(int len) {
        if ((long) out.length() + len > maxChars) {
            throw new SandboxViolation(null, 0, "output size limit of " + maxChars + " characters exceeded");
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public String toString() {
        return out.toString();
    }
}
