package dev.tandem.cli.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Stderr on a terminal, with one line that progress rewrites in place. Anything else written to stderr (a log line, an
 * error) first ends that line, so it never lands in the middle of the progress text. Thread-safe.
 */
public final class LiveLine extends OutputStream {

    private final OutputStream terminal;
    private boolean open;

    /**
     * Creates the stream.
     *
     * @param terminal the terminal's stream
     */
    public LiveLine(OutputStream terminal) {
        this.terminal = requireNonNull(terminal, "terminal");
    }

    /**
     * Replaces the live line with {@code text}.
     *
     * @param text one line, without line breaks
     */
    synchronized void draw(String text) {
        try {
            terminal.write(("\r" + text).getBytes(StandardCharsets.UTF_8));
            terminal.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        open = true;
    }

    /** Ends the live line, if one is shown. */
    synchronized void end() {
        try {
            endLine();
            terminal.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void endLine() throws IOException {
        if (open) {
            open = false;
            terminal.write('\n');
        }
    }

    @Override
    public synchronized void write(int b) throws IOException {
        endLine();
        terminal.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        endLine();
        terminal.write(b, off, len);
    }

    @Override
    public synchronized void flush() throws IOException {
        terminal.flush();
    }
}
