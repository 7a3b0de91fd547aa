package io.mailflow.tools.backtest;

import io.mailflow.io.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes a stream as JSON lines to local files {@code <dir>/<name>-<subtask>.jsonl}, for a backtest that runs in
 * one process. Not for a cluster: the files are on whichever machine runs the subtask.
 */
final class JsonLinesSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final String dir;
    private final String name;

    JsonLinesSink(Path dir, String name) {
        this.dir = dir.toAbsolutePath().toString();
        this.name = name;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        Path file = Path.of(dir).resolve(name + "-" + context.getTaskInfo().getIndexOfThisSubtask() + ".jsonl");
        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                out.write(Json.mapper().writeValueAsString(element));
                out.write('\n');
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
