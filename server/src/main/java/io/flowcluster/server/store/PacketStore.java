package io.flowcluster.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowcluster.server.job.FanoutSpec;
import io.flowcluster.server.job.PacketRange;
import io.flowcluster.server.notify.Channel;
import io.flowcluster.server.notify.Notifications;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The packets of fanout steps. A coordinator's writes hold only while its attempt is the
 * step's current one; a node's results count only while the packet is still its own, and
 * they are written in the same transaction that marks the packet done: each item's result
 * is recorded once however often a packet runs.
 */
@Singleton
public class PacketStore {

    /** A coordinator's writes take effect only while it runs the step's current attempt. */
    private static final String COORDINATING = """
            exists (select 1 from step where job_id = :job and idx = :idx and state = 'RUNNING'
                    and node = :coordinator and attempt = :attempt)""";

    /** A packet taken from its node waits to be dealt again (its next run counts the next attempt). */
    private static final String WAITS_AGAIN = "state = 'PENDING', node = null, queued_at = null";

    private final Jdbi jdbi;
    private final JsonColumns json;

    PacketStore(Jdbi jdbi, JsonColumns json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    /** Cuts the step's items into packets, unless a coordinator before this one did; returns how many there are. */
    public int cut(UUID job, int idx, FanoutSpec fanout, int packetSize) {
        return jdbi.inTransaction(h -> {
            int existing = h.createQuery("select count(*) from packet where job_id = :job and idx = :idx")
                    .bind("job", job).bind("idx", idx).mapTo(Integer.class).one();
            if (existing > 0) {
                return existing;
            }
            int items = fanout.itemCount();
            int packets = PacketRange.packetsFor(items, packetSize);
            if (fanout.items() == null) {
                h.createUpdate("""
                                insert into packet (job_id, idx, packet_no, first_item, item_count, state)
                                select :job, :idx, g, g * :size, least(:size, :items - g * :size), 'PENDING'
                                from generate_series(0, :packets - 1) g""")
                        .bind("job", job).bind("idx", idx).bind("size", packetSize).bind("items", items)
                        .bind("packets", packets).execute();
                return packets;
            }
            PreparedBatch batch = h.prepareBatch("""
                    insert into packet (job_id, idx, packet_no, first_item, item_count, items, state)
                    values (:job, :idx, :no, :first, :count, cast(:items as jsonb), 'PENDING')""");
            for (int p = 0; p < packets; p++) {
                PacketRange range = PacketRange.of(p, items, packetSize);
                batch.bind("job", job).bind("idx", idx).bind("no", p).bind("first", range.first())
                        .bind("count", range.count())
                        .bind("items", json.write(fanout.items().subList(range.first(), range.first() + range.count())))
                        .add();
            }
            batch.execute();
            return packets;
        });
    }

    /**
     * Takes packets back from nodes that can no longer have them: queued on a node that is not
     * {@code eligible} any more, or running on one that is not {@code live} (it died; the next
     * run of the packet gets the next attempt). A packet running on a live node that merely
     * left, drains, finishes there.
     */
    public List<PacketEvent> takeBack(UUID job, int idx, String coordinator, int attempt, Set<String> eligible,
            Set<String> live) {
        return jdbi.inTransaction(h -> h.createQuery("""
                        with gone as (
                            select packet_no, state, node from packet
                            where job_id = :job and idx = :idx and %s
                              and ((state = 'QUEUED' and node <> all(:eligible)) or (state = 'RUNNING' and node <> all(:live)))
                            for update)
                        update packet p set %s
                        from gone where p.job_id = :job and p.idx = :idx and p.packet_no = gone.packet_no
                        returning p.packet_no, p.first_item, p.item_count, gone.node, p.attempt, gone.state as was
                        """.formatted(COORDINATING, WAITS_AGAIN))
                .bind("job", job).bind("idx", idx).bind("coordinator", coordinator).bind("attempt", attempt)
                .bind("eligible", eligible.toArray(String[]::new)).bind("live", live.toArray(String[]::new))
                .map((rs, ctx) -> new PacketEvent("RUNNING".equals(rs.getString("was")) ? PacketEvent.Kind.LOST
                        : PacketEvent.Kind.WITHDRAWN, rs.getInt("packet_no"), rs.getInt("first_item"),
                        rs.getInt("item_count"), rs.getString("node"), rs.getInt("attempt"), 0, 0))
                .list());
    }

    /** Packets queued per node, over every job: the queues the bound applies to. */
    public Map<String, Integer> queuedByNode() {
        return jdbi.withHandle(h -> h.createQuery("select node, count(*) as n from packet where state = 'QUEUED' group by node")
                .reduceRows(new HashMap<String, Integer>(), (map, row) -> {
                    map.put(row.getColumn("node", String.class), row.getColumn("n", Integer.class));
                    return map;
                }));
    }

    public PacketProgress progress(UUID job, int idx) {
        return jdbi.withHandle(h -> progress(h, job, idx));
    }

    /** Progress of every fanout step of a job, by step index. */
    public Map<Integer, PacketProgress> progressOfJob(UUID job) {
        return jdbi.withHandle(h -> h.createQuery("select " + PROGRESS_COLUMNS + ", idx from packet where job_id = :job group by idx")
                .bind("job", job)
                .map((rs, ctx) -> Map.entry(rs.getInt("idx"), progress(rs)))
                .collectToMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static final String PROGRESS_COLUMNS = """
            count(*) as total,
            count(*) filter (where state = 'PENDING') as pending,
            count(*) filter (where state = 'QUEUED') as queued,
            count(*) filter (where state = 'RUNNING') as running,
            count(*) filter (where state = 'DONE') as done,
            coalesce(sum(failed_items), 0) as failed_items""";

    private static PacketProgress progress(Handle h, UUID job, int idx) {
        return h.createQuery("select " + PROGRESS_COLUMNS + " from packet where job_id = :job and idx = :idx")
                .bind("job", job).bind("idx", idx)
                .map((rs, ctx) -> progress(rs))
                .one();
    }

    static PacketProgress progress(ResultSet rs) throws SQLException {
        return new PacketProgress(rs.getInt("total"), rs.getInt("pending"), rs.getInt("queued"), rs.getInt("running"),
                rs.getInt("done"), rs.getInt("failed_items"));
    }

    /*
     * The packets to change are picked in a CTE: a LIMIT ... FOR UPDATE subquery inside IN may be
     * rescanned per row, and each rescan skips the rows this statement already changed, so it
     * would change them all.
     */

    /**
     * Deals waiting packets, lowest numbers first: {@code deal} says how many each node gets.
     * Wakes the nodes that got some. Returns the packets dealt per node (none once the
     * coordinator's attempt is no longer current).
     */
    public Map<String, Integer> deal(UUID job, int idx, String coordinator, int attempt, Map<String, Integer> deal) {
        if (deal.isEmpty()) {
            return Map.of();
        }
        return jdbi.inTransaction(h -> {
            Map<String, Integer> dealt = new HashMap<>();
            for (Map.Entry<String, Integer> e : deal.entrySet()) {
                int n = h.createUpdate("""
                                with picked as (
                                    select packet_no from packet where job_id = :job and idx = :idx and state = 'PENDING'
                                    order by packet_no limit :n for update)
                                update packet p set state = 'QUEUED', node = :node, queued_at = clock_timestamp()
                                from picked where p.job_id = :job and p.idx = :idx and p.packet_no = picked.packet_no
                                  and %s""".formatted(COORDINATING))
                        .bind("job", job).bind("idx", idx).bind("node", e.getKey()).bind("n", e.getValue())
                        .bind("coordinator", coordinator).bind("attempt", attempt)
                        .execute();
                if (n > 0) {
                    dealt.put(e.getKey(), n);
                    Notifications.sendTo(h, Channel.PACKETS, e.getKey());
                }
            }
            return dealt;
        });
    }

    /**
     * The packets that finished and were not logged yet, in the order they finished, marked
     * logged in the same statement: whatever order their transactions commit in, each is
     * returned once.
     */
    public List<PacketEvent> takeFinished(UUID job, int idx) {
        return jdbi.withHandle(h -> h.createQuery("""
                        with marked as (
                            update packet set logged = true
                            where job_id = :job and idx = :idx and state = 'DONE' and not logged
                            returning packet_no, first_item, item_count, node, attempt, done_seq, failed_items,
                                (extract(epoch from finished_at - started_at) * 1000)::bigint as millis)
                        select * from marked order by done_seq""")
                .bind("job", job).bind("idx", idx)
                .map((rs, ctx) -> new PacketEvent(PacketEvent.Kind.DONE, rs.getInt("packet_no"), rs.getInt("first_item"),
                        rs.getInt("item_count"), rs.getString("node"), rs.getInt("attempt"), rs.getLong("millis"),
                        rs.getInt("failed_items")))
                .list());
    }

    /** Starts up to {@code max} of the packets queued on this node, the longest queued first. */
    public List<PacketClaim> claim(String node, int max) {
        return jdbi.inTransaction(h -> h.createQuery("""
                        with picked as (
                            select job_id, idx, packet_no from packet where node = :node and state = 'QUEUED'
                            order by queued_at, packet_no limit :max for update skip locked),
                        claimed as (
                            update packet p set state = 'RUNNING', attempt = p.attempt + 1, started_at = clock_timestamp()
                            from picked where p.job_id = picked.job_id and p.idx = picked.idx and p.packet_no = picked.packet_no
                            returning p.job_id, p.idx, p.packet_no, p.attempt, p.first_item, p.item_count, p.items)
                        select c.*, s.spec - 'fanout' as handler,
                            coalesce((s.spec #>> '{fanout,range,from}')::bigint, 0) as range_from,
                            j.name, j.parameters
                        from claimed c join step s on s.job_id = c.job_id and s.idx = c.idx join job j on j.id = c.job_id""")
                .bind("node", node).bind("max", max)
                .map((rs, ctx) -> new PacketClaim(rs.getObject("job_id", UUID.class), rs.getString("name"),
                        json.stringMap(rs.getString("parameters")), rs.getInt("idx"), rs.getInt("packet_no"),
                        rs.getInt("attempt"), rs.getInt("first_item"), rs.getInt("item_count"), records(rs.getString("items")),
                        rs.getLong("range_from"), json.stepSpec(rs.getString("handler"))))
                .list());
    }

    private List<JsonNode> records(String items) {
        if (items == null) {
            return null;
        }
        List<JsonNode> list = new ArrayList<>();
        json.tree(items).forEach(list::add);
        return list;
    }

    /**
     * Marks the packet done with its results, if it is still this node's current run of it;
     * returns false (and records nothing) when it was taken back meanwhile.
     */
    public boolean complete(PacketClaim packet, String node, List<ItemResult> results) {
        return jdbi.inTransaction(h -> {
            int failed = (int) results.stream().filter(r -> !r.ok()).count();
            int updated = h.createUpdate("""
                            update packet set state = 'DONE', finished_at = clock_timestamp(),
                                done_seq = nextval('packet_done_seq'), failed_items = :failed
                            where job_id = :job and idx = :idx and packet_no = :no and state = 'RUNNING'
                              and node = :node and attempt = :attempt""")
                    .bind("job", packet.jobId()).bind("idx", packet.index()).bind("no", packet.packetNo())
                    .bind("node", node).bind("attempt", packet.attempt()).bind("failed", failed)
                    .execute();
            if (updated == 0) {
                return false;
            }
            h.createUpdate("""
                            insert into fanout_result (job_id, idx, item, packet_no, node, attempt, ok, result)
                            select :job, :idx, r.item, :no, :node, :attempt, r.ok, r.result::jsonb
                            from unnest(:items, :oks, :results) as r(item, ok, result)""")
                    .bind("job", packet.jobId()).bind("idx", packet.index()).bind("no", packet.packetNo())
                    .bind("node", node).bind("attempt", packet.attempt())
                    .bind("items", results.stream().map(ItemResult::item).toArray(Integer[]::new))
                    .bind("oks", results.stream().map(ItemResult::ok).toArray(Boolean[]::new))
                    .bind("results", results.stream().map(r -> r.result() == null ? null : json.write(r.result()))
                            .toArray(String[]::new))
                    .execute();
            Notifications.send(h, Channel.PACKET_DONE, packet.jobId().toString());
            return true;
        });
    }

    /**
     * Gives back one run of a packet that could not finish here (an unexpected error): it waits
     * to be dealt again and its next run counts the next attempt.
     */
    public boolean giveBack(PacketClaim packet, String node) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update packet set %s
                        where job_id = :job and idx = :idx and packet_no = :no and state = 'RUNNING'
                          and node = :node and attempt = :attempt""".formatted(WAITS_AGAIN))
                .bind("job", packet.jobId()).bind("idx", packet.index()).bind("no", packet.packetNo())
                .bind("node", node).bind("attempt", packet.attempt()).execute() == 1);
    }

    /** Gives back every packet queued on or running on this node (start-up, shutdown): they are dealt again. */
    public int release(String node) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update packet set %s
                        where node = :node and state in ('QUEUED', 'RUNNING')""".formatted(WAITS_AGAIN))
                .bind("node", node).execute());
    }

    /** Results of a fanout step in item order, from item {@code after + 1}. */
    public List<StoredResult> results(UUID job, int idx, int after, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select item, ok, result, node, packet_no, attempt from fanout_result
                        where job_id = :job and idx = :idx and item > :after order by item limit :limit""")
                .bind("job", job).bind("idx", idx).bind("after", after).bind("limit", limit)
                .map((rs, ctx) -> new StoredResult(rs.getInt("item"), rs.getBoolean("ok"), json.tree(rs.getString("result")),
                        rs.getString("node"), rs.getInt("packet_no"), rs.getInt("attempt")))
                .list());
    }

    public record StoredResult(int item, boolean ok, JsonNode result, String node, int packet, int attempt) {
    }
}
