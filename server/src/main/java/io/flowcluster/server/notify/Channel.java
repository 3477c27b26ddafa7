package io.flowcluster.server.notify;

/** PostgreSQL NOTIFY channels; a notification is delivered when its transaction commits. */
public enum Channel {
    /** Work for the scheduler: a job was submitted, a step ended or became ready. */
    SCHEDULER("flow_scheduler"),
    /** Steps were dispatched; the payload is the node id they went to. */
    WORKER("flow_worker"),
    /** A job was aborted; the payload is its id. */
    ABORT("flow_abort"),
    /** A message for a job arrived; the payload is the job's id. */
    MESSAGE("flow_message"),
    /** Packets were queued on a node; the payload is the node id. */
    PACKETS("flow_packets"),
    /** A packet of a fanout step finished; the payload is its job's id. */
    PACKET_DONE("flow_packet_done");

    private final String sqlName;

    Channel(String sqlName) {
        this.sqlName = sqlName;
    }

    public String sqlName() {
        return sqlName;
    }
}
