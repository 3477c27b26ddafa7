package io.flowcluster.server.config;

import io.flowcluster.server.job.DistributionMode;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every server setting, under {@code flow.} (environment {@code FLOW_...}). */
@ConfigMapping(prefix = "flow")
public interface FlowConfig {

    Node node();

    Cluster cluster();

    /** {@code jdbc} (database lease and heartbeats) or {@code kubernetes} (a Lease and the ring ConfigMap). */
    @WithDefault("jdbc")
    String coordination();

    Ring ring();

    Placement placement();

    Api api();

    Scheduler scheduler();

    Worker worker();

    Distribution distribution();

    Retention retention();

    Schedules schedules();

    interface Node {
        /** This node's id; in a pod the operator sets it from {@code POD_NAME}. */
        @WithDefault("${POD_NAME:${HOSTNAME:local}}")
        String id();
    }

    interface Cluster {
        /** The cluster's name: Kubernetes objects are named after it. */
        @WithDefault("flowcluster")
        String name();

        /**
         * With kubernetes coordination: the namespace of the Lease and ConfigMaps; in a pod the
         * operator sets it from {@code POD_NAMESPACE}, else the client's current namespace.
         */
        Optional<String> namespace();

        /** How often a node proves it is alive. */
        @WithDefault("500ms")
        Duration heartbeatInterval();

        /** Heartbeats a node may miss before it counts as dead: its jobs move, its running steps are retried. */
        @WithDefault("4")
        int missedHeartbeats();

        /** How long a node may stay silent before it counts as dead. */
        default Duration nodeTimeout() {
            return heartbeatInterval().multipliedBy(missedHeartbeats());
        }
    }

    interface Ring {
        /** Points per member on the hash ring. */
        @WithDefault("256")
        int virtualNodes();
    }

    interface Placement {
        /** {@code hash} or {@code bounded-load}. */
        @WithDefault("bounded-load")
        String strategy();

        /** With bounded-load: no member holds more than this times the average of active jobs. */
        @WithDefault("1.25")
        double loadFactor();
    }

    interface Api {
        /** Bearer token every {@code /api} request must carry. */
        Optional<String> token();

        /** Largest accepted request body, in bytes. */
        @WithDefault("1048576")
        int maxBodyBytes();

        /** Most steps one job may have. */
        @WithDefault("10000")
        int maxSteps();
    }

    interface Scheduler {
        /** How long the scheduler lease lasts without renewal: the takeover time after a crash. */
        @WithDefault("2s")
        Duration leaseDuration();

        /** How often the holder renews the lease, and a standby tries to take it. */
        @WithDefault("500ms")
        Duration renewInterval();

        /** Safety-net pass interval; LISTEN/NOTIFY wakes the scheduler sooner. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Deepest look into the ready queue in one pass (it reads only as deep as the free slots need). */
        @WithDefault("500")
        int batchSize();

        /**
         * Steps per task slot a node may hold dispatched but not started, beyond its free slots:
         * they start there as slots free, without waiting for a scheduler pass. 0 dispatches only
         * into free slots, so that a step submitted later with a higher priority never waits
         * behind one already queued on a node.
         */
        @WithDefault("0")
        int dispatchAhead();
    }

    interface Worker {
        /** Steps this node runs at once; as many threads process packets of fanout steps. */
        @WithDefault("8")
        int taskPoolSize();

        /** Safety-net claim interval; LISTEN/NOTIFY wakes the worker sooner. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Output kept per step attempt, in bytes; the rest is dropped with a marker line. */
        @WithDefault("1048576")
        int maxLogBytes();

        /** Output kept per step attempt, in lines (empty lines too); the rest is dropped with a marker line. */
        @WithDefault("10000")
        int maxLogLines();

        /** Longest output line kept, in bytes; the rest of a longer line is dropped and counted. */
        @WithDefault("16384")
        int maxLineBytes();

        /** How often output of running steps is written to the database. */
        @WithDefault("500ms")
        Duration logFlushInterval();

        /** Time between SIGTERM and SIGKILL when a step is killed. */
        @WithDefault("3s")
        Duration killGrace();

        /**
         * On SIGTERM, how long running steps may go on to finish before they are stopped and
         * handed back; keep it below the pod's termination grace period.
         */
        @WithDefault("20s")
        Duration drainTimeout();

        /**
         * How steps are kept apart from the server and ended with everything they started:
         * {@code auto} (the strongest that works here), {@code namespace}, {@code session} or {@code none}.
         */
        @WithDefault("auto")
        String isolation();

        /**
         * Paths steps must not read (the local installation's token, database passwords and
         * data): covered in each step's mount namespace where steps run in a PID namespace of a
         * server running as root. The local launcher sets them.
         */
        Optional<List<String>> hiddenPaths();

        /**
         * Absolute paths under which a step may name its {@code workingDir}; none by default, so
         * that steps run only in their job's workspace.
         */
        Optional<List<String>> allowedWorkingDirs();

        /** Parent directory of the per-job working directories. */
        @WithDefault("${java.io.tmpdir}/flowcluster-work")
        String workDir();
    }

    interface Distribution {
        /**
         * {@code LOCAL} (all of a job's work on its owner) or {@code DISTRIBUTED} (the owner
         * coordinates and deals packets to every node) for jobs that do not choose.
         */
        @WithDefault("LOCAL")
        DistributionMode mode();

        /** Items of a fanout step per packet. */
        @WithDefault("100")
        int packetSize();

        /**
         * From this many members on, a coordinator keeps a smaller share of packets for itself
         * than it deals to each other node (it also does the bookkeeping).
         */
        @WithDefault("10")
        int remoteBias();

        /**
         * Packets queued on one node beyond what its task pool runs (0: no bound). With a bound,
         * a coordinator holds packets back until a queue has room, and a node finishing early
         * gets more.
         */
        @WithDefault("0")
        int taskQueueSize();
    }

    interface Retention {
        /** How long a job is kept once it has ended, unless its submission says otherwise. */
        @WithDefault("30d")
        Duration finished();

        /** How often a node looks for expired jobs; one node at a time deletes them. */
        @WithDefault("1m")
        Duration interval();

        /** Jobs deleted per transaction: small, so that a sweep never holds many locks or a long transaction. */
        @WithDefault("200")
        int batchSize();
    }

    interface Schedules {
        /**
         * A tick fired later than this after its time (no scheduler ran, or it was busy) is late:
         * its schedule's misfire policy decides whether it still fires.
         */
        @WithDefault("60s")
        Duration misfireThreshold();

        /** Schedules fired per transaction. */
        @WithDefault("500")
        int batchSize();
    }
}
