package io.flowcluster.server.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PostgreSQL NOTIFY channels; a notification is delivered when its transaction commits.
 * PostgreSQL delivers a notification to every connection listening on its channel, so work
 * for one node goes to that node's own channel ({@link #of(String)}): the others are not
 * woken to throw it away.
 */
public enum Channel {
    /** Work for the scheduler: a job was submitted, a step ended or became ready. */
    SCHEDULER("flow_scheduler", false),
    /** Steps were dispatched to the node whose channel this is. */
    WORKER("flow_worker", true),
    /**
     * Jobs whose last step ran on the node whose channel this is ended (the scheduler applied
     * the end); the payload lists them ({@link JobsEnded}).
     */
    ENDED("flow_ended", true),
    /** A job was aborted; the payload is its id. */
    ABORT("flow_abort", false),
    /** A message for a job arrived, or a job with messages waiting got an owner; the payload is the job's id. */
    MESSAGE("flow_message", false),
    /** Packets were queued on the node whose channel this is. */
    PACKETS("flow_packets", true),
    /** A packet of a fanout step finished; the payload is its job's id. */
    PACKET_DONE("flow_packet_done", false);

    private final String sqlName;
    private final boolean perNode;
    /** The names of the nodes' own channels, by node id: asked on every dispatch, digested once. */
    private final Map<String, String> ownNames = new ConcurrentHashMap<>();

    Channel(String sqlName, boolean perNode) {
        this.sqlName = sqlName;
        this.perNode = perNode;
    }

    /** The name of a channel shared by every node. */
    public String sqlName() {
        if (perNode) {
            throw new IllegalStateException(name() + " is a channel per node");
        }
        return sqlName;
    }

    public boolean perNode() {
        return perNode;
    }

    /**
     * The name of {@code node}'s own channel of this kind: a digest of the id, since a
     * channel name is an identifier of at most 63 bytes and a node id may be longer.
     */
    public String of(String node) {
        if (!perNode) {
            throw new IllegalStateException(name() + " is a channel shared by every node");
        }
        return ownNames.computeIfAbsent(node, this::digested);
    }

    private String digested(String node) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(node.getBytes(StandardCharsets.UTF_8));
            return sqlName + "_" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
