package io.flowcluster.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.flowcluster.e2e.harness.ServerProcess;
import io.flowcluster.e2e.harness.TestCluster;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Invariants 7 and 9 against generated input: submissions built from the job schema, every
 * field present or absent, well-typed or not, with hostile strings (NUL, lone surrogates,
 * traversal, long text), extreme numbers and overflowing durations and ranges. Every answer
 * is 201, 200 (a replay) or a 4xx problem, never a 5xx; afterwards the node still runs jobs
 * and its log holds no ERROR. Commands are drawn from a harmless few: the generator decides
 * the shape of a job, never what it runs.
 */
class SubmissionFuzzTest {

    private static Path dir;
    private static TestCluster cluster;

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("flowcluster-fuzz");
        cluster = TestCluster.start(dir, Map.of("FLOW_API_MAX_STEPS", "20"), "node-a");
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            String after = cluster.submit("""
                    {"name": "after-fuzz", "steps": [{"name": "a", "shell": "echo still here"}]}""");
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.allInState(List.of(after), "SUCCEEDED"));
            assertThat(cluster.node("node-a").output()).as("no request made the node log an error").doesNotContain(" ERROR ");
        } finally {
            cluster.close();
        }
    }

    @Property(tries = 1000)
    void noSubmissionGetsA5xx(@ForAll("bodies") String body, @ForAll("keys") Optional<String> key) throws Exception {
        ServerProcess node = cluster.node("node-a");
        HttpResponse<String> r = key.isPresent() ? node.post("/api/v1/jobs", body, key.get()) : node.post("/api/v1/jobs", body);
        assertAnswered(body, r, 200, 201, 400, 404, 409, 413, 415, 422);
    }

    /** The batch endpoint reads each entry with the single submission's reader: the same promise, a list at a time. */
    @Property(tries = 200)
    void noBatchGetsA5xx(@ForAll("batches") String body) throws Exception {
        HttpResponse<String> r = cluster.node("node-a").post("/api/v1/jobs/batch", body);
        assertAnswered(body, r, 200, 400, 413, 415, 422);
    }

    /** Schedules: cron expressions, zones and policies of every kind, each with a job that the submission fuzz makes. */
    @Property(tries = 300)
    void noScheduleGetsA5xx(@ForAll("schedules") String body) throws Exception {
        ServerProcess node = cluster.node("node-a");
        HttpResponse<String> r = node.post("/api/v1/schedules", body);
        assertAnswered(body, r, 201, 400, 409, 413, 415);
    }

    @Provide
    Arbitrary<String> schedules() {
        return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.randomValue(SubmissionFuzzTest::schedule)),
                Tuple.of(1, Arbitraries.randomValue(r -> anyJson(r, 3)))).map(SubmissionFuzzTest::json);
    }

    private static Map<String, Object> schedule(Random r) {
        Map<String, Object> schedule = new LinkedHashMap<>();
        putMostly(r, schedule, "name", 0.95, () -> "fuzz-" + r.nextInt(100_000), () -> text(r));
        if (r.nextBoolean()) {
            putMostly(r, schedule, "cron", 0.95, () -> List.of("0 3 * * *", "*/5 * * * *", "0 0 * * 1-5", "*/10 * * * * *",
                    "0 0 29 2 *", "@daily", "0 0 L * ?", "0 0 31 2 *").get(r.nextInt(8)),
                    () -> List.of("* * * * * * *", "99 * * * *", "*/0 * * * *", "1-0 * * * *", "? ? ? ? ?", "", "     ",
                            "0 0 1W * ?", "#", "0 0 1,".repeat(200)).get(r.nextInt(10)));
        } else {
            putMostly(r, schedule, "interval", 0.95, () -> List.of("1h", "15m", "1d").get(r.nextInt(3)), () -> duration(r));
        }
        putMostly(r, schedule, "timeZone", 0.4, () -> List.of("UTC", "Europe/Berlin", "America/New_York").get(r.nextInt(3)),
                () -> List.of("Mars/Base", "+25:00", "GMT+99", "", "../../etc/passwd", "Z").get(r.nextInt(6)));
        putMostly(r, schedule, "misfirePolicy", 0.3, () -> List.of("skip", "fire-once", "fire-all").get(r.nextInt(3)), () -> text(r));
        putMostly(r, schedule, "concurrencyPolicy", 0.3, () -> List.of("allow", "forbid", "replace").get(r.nextInt(3)), () -> text(r));
        putMostly(r, schedule, "maxCatchUp", 0.2, () -> 1 + r.nextInt(100), () -> extreme(r));
        putMostly(r, schedule, "paused", 0.97, () -> true, () -> anyJson(r, 0)); // paused: the fuzz must not fill the node with jobs
        putMostly(r, schedule, "job", 0.95, () -> job(r), () -> anyJson(r, 2));
        return schedule;
    }

    /** One of the statuses expected, and an error as problem JSON that shows nothing of the server's insides. */
    private static void assertAnswered(String body, HttpResponse<String> r, Integer... expected) {
        Statistics.label("status").collect(r.statusCode());
        assertThat(r.statusCode()).as("%s -> %s", body, r.body()).isIn((Object[]) expected);
        if (r.statusCode() >= 400) {
            assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(r.body()).contains("\"status\":" + r.statusCode()).doesNotContain("io.flowcluster").doesNotContain("java.");
        }
    }

    /** Mostly lists of entries with a job and perhaps a key, repeated keys among them; now and then anything. */
    @Provide
    Arbitrary<String> batches() {
        return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.randomValue(SubmissionFuzzTest::batch)),
                Tuple.of(1, Arbitraries.randomValue(r -> nullable("jobs", anyJson(r, 3))))).map(SubmissionFuzzTest::json);
    }

    private static Map<String, Object> batch(Random r) {
        List<Object> entries = new ArrayList<>();
        int count = r.nextInt(20) == 0 ? 0 : 1 + r.nextInt(5);
        for (int i = 0; i < count; i++) {
            Map<String, Object> entry = new LinkedHashMap<>();
            putMostly(r, entry, "idempotencyKey", 0.6, () -> "k" + r.nextInt(8), () -> anyJson(r, 0));
            putMostly(r, entry, "job", 0.97, () -> job(r), () -> anyJson(r, 2));
            if (r.nextInt(30) == 0) {
                entry.put("extra", true);
            }
            entries.add(entry);
        }
        Map<String, Object> batch = new LinkedHashMap<>();
        putMostly(r, batch, "jobs", 0.97, () -> entries, () -> anyJson(r, 1));
        return batch;
    }

    @Provide
    Arbitrary<Optional<String>> keys() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(300)
                .map(s -> s.strip())
                .injectDuplicates(0.3)
                .optional(0.3);
    }

    /** Mostly jobs that pass or nearly pass validation, so that the store and the nodes see them too; now and then anything. */
    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.randomValue(SubmissionFuzzTest::job)),
                Tuple.of(1, Arbitraries.randomValue(r -> anyJson(r, 3)))).map(SubmissionFuzzTest::json);
    }

    private static Map<String, Object> job(Random r) {
        Map<String, Object> job = new LinkedHashMap<>();
        putMostly(r, job, "name", 0.95, () -> "fuzz-" + r.nextInt(1000), () -> text(r));
        putMostly(r, job, "priority", 0.5, () -> r.nextInt(2001) - 1000, () -> number(r));
        putMostly(r, job, "labels", 0.4, () -> Map.of("team", "t" + r.nextInt(5)), () -> Map.of(text(r), text(r)));
        putMostly(r, job, "parameters", 0.4, () -> Map.of("WHO", "w" + r.nextInt(5)), () -> nullable(text(r), anyJson(r, 1)));
        putMostly(r, job, "distribution", 0.2, () -> r.nextBoolean() ? "LOCAL" : "DISTRIBUTED", () -> text(r));
        if (r.nextInt(30) == 0) {
            job.put("colour", "red");
        }
        int count = r.nextInt(20) == 0 ? 25 : 1 + r.nextInt(4);
        List<Object> steps = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            steps.add(step(r, i));
        }
        putMostly(r, job, "steps", 0.97, () -> steps, () -> anyJson(r, 2));
        return job;
    }

    private static Map<String, Object> step(Random r, int index) {
        Map<String, Object> step = new LinkedHashMap<>();
        String kind = List.of("command", "command", "command", "noop", "noop", "fanout", "wait").get(r.nextInt(7));
        putMostly(r, step, "name", 0.97, () -> "s" + index, () -> text(r));
        putMostly(r, step, "kind", 0.9, () -> kind, () -> r.nextBoolean() ? "docker" : anyJson(r, 0));
        if (kind.equals("command") || kind.equals("fanout") && r.nextBoolean()) {
            if (r.nextInt(4) == 0) {
                putMostly(r, step, "command", 1, () -> List.of("echo", "item", text(r)), () -> List.of());
            } else {
                putMostly(r, step, "shell", 0.95, () -> List.of("true", "echo fuzz", "exit 3", "echo $FLOW_ITEM").get(r.nextInt(4)),
                        () -> anyJson(r, 0));
            }
            putMostly(r, step, "env", 0.2, () -> Map.of("K" + r.nextInt(3), text(r)), () -> Map.of(text(r), "v"));
            putMostly(r, step, "workingDir", 0.1, () -> List.of("src", "/etc", "..", "a/../../b", "/", "").get(r.nextInt(6)),
                    () -> text(r));
        }
        if (kind.equals("wait")) {
            putMostly(r, step, "message", 0.95, () -> "approve", () -> text(r));
        }
        if (kind.equals("fanout")) {
            putMostly(r, step, "fanout", 0.9, () -> r.nextBoolean()
                    ? Map.of("range", Map.of("from", (long) r.nextInt(10), "to", (long) (10 + r.nextInt(40))))
                    : Map.of("items", java.util.Arrays.asList(anyJson(r, 1), "x", 3)),
                    () -> Map.of("range", Map.of("from", extreme(r), "to", extreme(r))));
        }
        putMostly(r, step, "timeout", 0.3, () -> List.of("1s", "30s", "5m").get(r.nextInt(3)), () -> duration(r));
        putMostly(r, step, "retries", 0.2, () -> Map.of("limit", r.nextInt(3), "backoff", "100ms"),
                () -> Map.of("limit", number(r), "backoff", duration(r), "maxBackoff", duration(r), "multiplier", number(r)));
        if (index > 0) {
            putMostly(r, step, "dependsOn", 0.5, () -> List.of("s" + r.nextInt(index)), () -> List.of(text(r), "s" + index));
        }
        return step;
    }

    /** Puts the field with probability {@code present}: nine times in ten a sound value, else a hostile one. */
    private static void putMostly(Random r, Map<String, Object> into, String field, double present, Supplier<Object> sound,
            Supplier<Object> hostile) {
        if (r.nextDouble() < present) {
            into.put(field, r.nextInt(10) == 0 ? hostile.get() : sound.get());
        }
    }

    /** A one-entry map that, unlike Map.of, holds a null value. */
    private static Map<String, Object> nullable(String key, Object value) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(key, value);
        return map;
    }

    private static Object duration(Random r) {
        return List.of("1s", "500ms", "0s", "-1s", "PT1M", "3000000000h", "200000d", "30d", "1d", "24h", "soon", "",
                "9999999999999999999s", "1e3s").get(r.nextInt(14));
    }

    private static Object extreme(Random r) {
        return List.<Object>of(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L, 1L, 10L, 1000L, Long.MAX_VALUE - 5, Long.MIN_VALUE + 5,
                new BigInteger("99999999999999999999"), 1.5, "7").get(r.nextInt(12));
    }

    private static Object number(Random r) {
        return List.<Object>of(Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 0, -1, 1.5, 1e308, -0.0,
                new BigInteger("123456789012345678901234567890")).get(r.nextInt(10));
    }

    /** Strings a careless or hostile client sends: any character, NUL, lone surrogates, paths, long runs. */
    private static String text(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> r.ints(r.nextInt(20), 0, 0x10000).collect(StringBuilder::new, (b, c) -> b.append((char) c), StringBuilder::append)
                    .toString();
            case 1 -> "t" + r.nextInt(100);
            default -> List.of("", " ", "\u0000", "a\u0000b", "\ud800", "x\udc00", "\ud83d\ude80", "../../etc/passwd", "%00",
                    "a".repeat(300), "$(id)", "'; drop table job; --", "FLOW_API_TOKEN").get(r.nextInt(13));
        };
    }

    private static Object anyJson(Random r, int depth) {
        int choice = r.nextInt(depth > 0 ? 6 : 4);
        return switch (choice) {
            case 0 -> text(r);
            case 1 -> number(r);
            case 2 -> r.nextBoolean();
            case 3 -> null;
            case 4 -> {
                List<Object> list = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    list.add(anyJson(r, depth - 1));
                }
                yield list;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    map.put(List.of("name", "steps", "kind", "x", text(r)).get(r.nextInt(5)), anyJson(r, depth - 1));
                }
                yield map;
            }
        };
    }

    private static String json(Object value) {
        try {
            return TestCluster.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
