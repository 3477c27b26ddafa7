package io.flowcluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command: the packaged server with no database starts a local cluster and says where it is. */
class LocalClusterLauncherTest {

    private static final Pattern NODE_LINE = Pattern.compile("^\\s+(node-\\d+)\\s+(http://localhost:\\d+)\\s+pid (\\d+)$");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void startsTheNodesOnOneDatabaseShowsThemAndStopsThemAll(@TempDir Path dir) throws Exception {
        int basePort = freePortPair();
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx128m", "-jar", ServerProcess.runner().toAbsolutePath().toString())
                .redirectErrorStream(true);
        builder.environment().put("FLOW_DATA_DIR", dir.toString());
        builder.environment().put("FLOW_LOCAL_NODES", "2");
        builder.environment().put("FLOW_LOCAL_BASE_PORT", Integer.toString(basePort));
        builder.environment().remove("FLOW_API_TOKEN");
        Process launcher = builder.start();
        List<String[]> nodes = new ArrayList<>();
        List<ProcessHandle> children = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8));
            List<String> printed = new ArrayList<>();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("kill -9 a node")) {
                printed.add(line);
                Matcher m = NODE_LINE.matcher(line);
                if (m.matches()) {
                    nodes.add(new String[] {m.group(1), m.group(2), m.group(3)});
                }
            }
            assertThat(line).as("the launcher printed its welcome").isNotNull();
            drain(out);
            String token = Files.readString(dir.resolve("api-token")).trim();
            assertThat(printed).as("the token is never printed, only where it is kept").noneMatch(l -> l.contains(token))
                    .anyMatch(l -> l.contains(dir.resolve("api-token").toString()));
            assertThat(nodes).extracting(n -> n[0]).containsExactly("node-0", "node-1");
            for (String[] node : nodes) {
                int port = Integer.parseInt(node[1].substring(node[1].lastIndexOf(':') + 1));
                assertThat(ListeningSockets.addressesOf(port)).as("node %s listens on loopback only", node[0])
                        .isNotEmpty().allMatch(a -> a.isLoopbackAddress());
            }
            launcher.descendants().forEach(children::add);

            JsonNode cluster = cluster(nodes.get(1)[1], token);
            assertThat(cluster.get("members")).extracting(m -> m.get("id").asText()).containsExactly("node-0", "node-1");

            ProcessHandle.of(Long.parseLong(nodes.get(1)[2])).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (JsonNode m : cluster(nodes.get(0)[1], token).get("members")) {
                    if (m.get("id").asText().equals("node-1")) {
                        return m.get("state").asText().equals("dead");
                    }
                }
                return false;
            });
        } finally {
            launcher.destroy();
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as("the launcher stops").isTrue();
            launcher.destroyForcibly();
        }
        assertThat(children).as("no node or database is left running").noneMatch(ProcessHandle::isAlive);
    }

    private static JsonNode cluster(String url, String token) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/cluster"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return TestCluster.JSON.readTree(r.body());
    }

    /** Keeps reading the launcher's output so that it never blocks on a full pipe. */
    private static void drain(BufferedReader out) {
        Thread t = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discarded
                }
            } catch (IOException e) {
                // the launcher ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** A port whose next one is free as well, for two nodes. */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            try (ServerSocket next = new ServerSocket(port + 1)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no two consecutive free ports");
    }
}
