package io.flowcluster.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import io.flowcluster.server.TestDatabase;
import io.flowcluster.server.job.FanoutSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Packets on a real PostgreSQL: dealing, claiming, fencing of results, taking packets back. */
class PacketStoreTest {

    private static TestDatabase db;
    private static PacketStore store;
    private UUID job;

    @BeforeAll
    static void startDatabase() {
        db = new TestDatabase();
        store = new PacketStore(db.jdbi(), new JsonColumns(new ObjectMapper()));
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    /** A fanout step of 1000 items in 10 packets, its attempt 1 running on the coordinator "c". */
    @BeforeEach
    void fanoutStep() {
        job = UUID.randomUUID();
        db.jdbi().useHandle(h -> {
            h.execute("insert into job (id, name, priority, labels, parameters, state) values (?, 'j', 0, '{}', '{}', 'RUNNING')", job);
            h.execute("""
                    insert into step (job_id, idx, name, kind, spec, depends_on, job_priority, job_seq, state, node, attempt)
                    values (?, 0, 's', 'fanout', '{}', '{}', 0, 1, 'RUNNING', 'c', 1)""", job);
        });
        assertThat(store.cut(job, 0, new FanoutSpec(null, new FanoutSpec.Range(0L, 1000L)), 100)).isEqualTo(10);
    }

    @Test
    void cuttingAgainKeepsThePacketsAlreadyThere() {
        assertThat(store.cut(job, 0, new FanoutSpec(null, new FanoutSpec.Range(0L, 1000L)), 7)).isEqualTo(10);
    }

    @Test
    void eachNodeIsDealtExactlyItsShareAndClaimsNoMoreThanAsked() {
        Map<String, Integer> plan = new LinkedHashMap<>();
        plan.put("a", 4);
        plan.put("b", 2);
        assertThat(store.deal(job, 0, "c", 1, plan)).containsEntry("a", 4).containsEntry("b", 2);
        assertThat(store.queuedByNode()).containsEntry("a", 4).containsEntry("b", 2);
        assertThat(store.claim("a", 3)).hasSize(3).extracting(PacketClaim::attempt).containsOnly(1);
        assertThat(store.progress(job, 0)).isEqualTo(new PacketProgress(10, 4, 3, 3, 0, 0));
    }

    @Test
    void aCoordinatorWhoseAttemptIsNotCurrentDealsNothing() {
        assertThat(store.deal(job, 0, "c", 2, Map.of("a", 4))).isEmpty();
        assertThat(store.deal(job, 0, "other", 1, Map.of("a", 4))).isEmpty();
        assertThat(store.progress(job, 0).pending()).isEqualTo(10);
    }

    @Test
    void resultsCountOnlyFromTheRunThatStillOwnsThePacket() {
        store.deal(job, 0, "c", 1, Map.of("a", 1));
        PacketClaim first = store.claim("a", 1).get(0);
        List<PacketEvent> back = store.takeBack(job, 0, "c", 1, Set.of("b"), Set.of("b", "c"));
        assertThat(back).extracting(PacketEvent::kind, PacketEvent::node).containsExactly(
                tuple(PacketEvent.Kind.LOST, "a"));
        store.deal(job, 0, "c", 1, Map.of("b", 1));
        PacketClaim second = store.claim("b", 1).get(0);
        assertThat(second.packetNo()).isEqualTo(first.packetNo());
        assertThat(second.attempt()).isEqualTo(2);

        assertThat(store.complete(first, "a", results(first))).as("the dead node's late results").isFalse();
        assertThat(store.complete(second, "b", results(second))).isTrue();
        assertThat(store.complete(second, "b", results(second))).as("a second completion of the same run").isFalse();
        assertThat(store.results(job, 0, -1, 1000)).hasSize(100).extracting(PacketStore.StoredResult::node).containsOnly("b");
        assertThat(store.takeFinished(job, 0)).extracting(PacketEvent::packetNo, PacketEvent::node, PacketEvent::attempt)
                .containsExactly(tuple(first.packetNo(), "b", 2));
        assertThat(store.takeFinished(job, 0)).as("each finish is told once").isEmpty();
    }

    /**
     * Two packets finish at once; the one that took the lower sequence number commits last,
     * after the coordinator has already read the other: it is still logged, once.
     */
    @Test
    void aPacketWhoseFinishCommitsLateIsStillLoggedOnce() throws Exception {
        store.deal(job, 0, "c", 1, Map.of("a", 2));
        List<PacketClaim> runs = store.claim("a", 2);
        try (var late = db.jdbi().open()) {
            late.begin();
            late.createUpdate("""
                    update packet set state = 'DONE', finished_at = clock_timestamp(), done_seq = nextval('packet_done_seq')
                    where job_id = :job and idx = 0 and packet_no = :no""")
                    .bind("job", job).bind("no", runs.get(0).packetNo()).execute();
            assertThat(store.complete(runs.get(1), "a", results(runs.get(1)))).isTrue();
            assertThat(store.takeFinished(job, 0)).extracting(PacketEvent::packetNo).containsExactly(runs.get(1).packetNo());
            late.commit();
        }
        assertThat(store.takeFinished(job, 0)).extracting(PacketEvent::packetNo).containsExactly(runs.get(0).packetNo());
        assertThat(store.takeFinished(job, 0)).isEmpty();
    }

    @Test
    void aRunThatFailedIsGivenBackOnlyByTheNodeRunningIt() {
        store.deal(job, 0, "c", 1, Map.of("a", 1));
        PacketClaim run = store.claim("a", 1).get(0);
        assertThat(store.giveBack(run, "b")).isFalse();
        assertThat(store.giveBack(run, "a")).isTrue();
        assertThat(store.progress(job, 0).pending()).isEqualTo(10);
        store.deal(job, 0, "c", 1, Map.of("a", 1));
        assertThat(store.claim("a", 1).get(0).attempt()).isEqualTo(2);
    }

    @Test
    void queuedPacketsComeBackFromANodeThatLeftRunningOnesOnlyFromANodeThatDied() {
        store.deal(job, 0, "c", 1, Map.of("leaving", 3));
        store.claim("leaving", 1);
        List<PacketEvent> back = store.takeBack(job, 0, "c", 1, Set.of("c"), Set.of("c", "leaving"));
        assertThat(back).extracting(PacketEvent::kind).containsOnly(PacketEvent.Kind.WITHDRAWN).hasSize(2);
        assertThat(store.progress(job, 0).running()).isEqualTo(1);
        assertThat(store.release("leaving")).isEqualTo(1);
        assertThat(store.progress(job, 0).pending()).isEqualTo(10);
    }

    private static List<ItemResult> results(PacketClaim packet) {
        return IntStream.range(packet.first(), packet.first() + packet.count())
                .mapToObj(i -> new ItemResult(i, true, IntNode.valueOf(i))).toList();
    }
}
