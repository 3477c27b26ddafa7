package io.flowcluster.server.worker;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A secret file and directory that the server is told to keep from its steps (flow.worker.hidden-paths). */
public class HiddenSecrets implements QuarkusTestResourceLifecycleManager {

    static final String SECRET = "the-local-token-" + ProcessHandle.current().pid();
    static final String FILE = System.getProperty("java.io.tmpdir") + "/flowcluster-test-secret-" + ProcessHandle.current().pid();
    static final String DIR = FILE + "-dir";

    @Override
    public Map<String, String> start() {
        try {
            Files.writeString(Path.of(FILE), SECRET);
            Files.createDirectories(Path.of(DIR));
            Files.writeString(Path.of(DIR, "inside"), SECRET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("flow.worker.hidden-paths", FILE + "," + DIR);
    }

    @Override
    public void stop() {
        try {
            Files.deleteIfExists(Path.of(DIR, "inside"));
            Files.deleteIfExists(Path.of(DIR));
            Files.deleteIfExists(Path.of(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
