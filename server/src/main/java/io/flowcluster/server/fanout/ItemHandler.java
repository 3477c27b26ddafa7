package io.flowcluster.server.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcluster.server.store.ItemResult;
import io.flowcluster.server.store.PacketClaim;
import io.flowcluster.server.worker.CommandRunner;
import io.flowcluster.server.worker.StepEnvironment;
import io.flowcluster.server.worker.Workspaces;
import jakarta.inject.Singleton;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Processes one item of a fanout packet. The noop handler's result is the item itself; a
 * step with a command runs it once per item, the item in {@code FLOW_ITEM} (a string as is,
 * anything else as JSON) and its position in {@code FLOW_ITEM_INDEX}, and the result is the
 * exit code and the output (stdout and stderr, the first {@value #MAX_OUTPUT} bytes).
 */
@Singleton
public class ItemHandler {

    static final int MAX_OUTPUT = 4096;

    private final CommandRunner commands;
    private final Workspaces workspaces;

    ItemHandler(CommandRunner commands, Workspaces workspaces) {
        this.commands = commands;
        this.workspaces = workspaces;
    }

    /** The item at position {@code item} of the packet's step. */
    static JsonNode item(PacketClaim packet, int item) {
        return packet.records() != null
                ? packet.records().get(item - packet.first())
                : JsonNodeFactory.instance.numberNode(packet.rangeFrom() + item);
    }

    ItemResult process(PacketClaim packet, int item) throws InterruptedException {
        JsonNode value = item(packet, item);
        if (!packet.handler().hasCommand()) {
            return new ItemResult(item, true, value);
        }
        Map<String, String> env = StepEnvironment.of(packet, System.getenv());
        env.put("FLOW_ITEM", value.isTextual() ? value.asText() : value.toString());
        env.put("FLOW_ITEM_INDEX", Integer.toString(item));
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        Path output = null;
        try {
            File dir = commands.workingDirectory(packet.jobId(), packet.handler());
            // a file, not a pipe: a process that never closes its output cannot outlast the timeout
            output = Files.createTempFile(Files.createDirectories(workspaces.nodeDir()), "item-", ".out");
            Process process = commands.start(packet.handler(), dir, env, ProcessBuilder.Redirect.to(output.toFile()));
            if (!commands.awaitEnd(process, packet.handler(), null)) {
                return new ItemResult(item, false, result.put("error", "timed out after " + packet.handler().timeout()));
            }
            int exit = process.exitValue();
            result.put("exitCode", exit).put("output", head(output));
            return new ItemResult(item, exit == 0, result);
        } catch (IOException e) {
            return new ItemResult(item, false, result.put("error", "cannot run '" + packet.handler().argv().get(0) + "': "
                    + e.getMessage()));
        } catch (IllegalStateException e) {
            return new ItemResult(item, false, result.put("error", e.getMessage()));
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    private static String head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8).strip();
        }
    }
}
