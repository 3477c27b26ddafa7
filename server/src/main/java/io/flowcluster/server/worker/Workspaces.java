package io.flowcluster.server.worker;

import io.flowcluster.server.config.FlowConfig;
import io.flowcluster.server.node.LocalNode;
import io.flowcluster.server.store.JobStore;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The per-job workspaces of this node, in a directory of its own under the work directory
 * (nodes may share one). A workspace goes when its job ends here; what a failover, a
 * fanout's packets or a crash left behind goes when the node finds the job ended or gone.
 */
@Singleton
public class Workspaces {

    private static final Logger LOG = Logger.getLogger(Workspaces.class);

    private final Path nodeDir;
    private final JobStore jobs;

    Workspaces(FlowConfig config, LocalNode node, JobStore jobs) {
        this.nodeDir = Path.of(config.worker().workDir(), node.id());
        this.jobs = jobs;
    }

    /** This node's directory: workspaces and scratch files. */
    public Path nodeDir() {
        return nodeDir;
    }

    /** The directory steps of a job share on this node when they name none. */
    public Path of(UUID jobId) {
        return nodeDir.resolve(jobId.toString());
    }

    public void delete(UUID jobId) {
        deleteTree(of(jobId));
    }

    /** Deletes the workspaces of jobs that have ended or no longer exist; returns how many. */
    public int sweep() {
        List<UUID> present = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(nodeDir)) {
            dirs.filter(Files::isDirectory).map(d -> jobId(d.getFileName().toString())).flatMap(Optional::stream)
                    .forEach(present::add);
        } catch (IOException e) {
            return 0; // no workspace yet
        }
        if (present.isEmpty()) {
            return 0;
        }
        Set<UUID> unfinished = jobs.unfinished(present);
        List<UUID> ended = present.stream().filter(id -> !unfinished.contains(id)).toList();
        ended.forEach(this::delete);
        return ended.size();
    }

    private static Optional<UUID> jobId(String name) {
        try {
            UUID id = UUID.fromString(name);
            return id.toString().equals(name) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("Could not delete %s: %s", dir, e.getMessage());
        }
    }
}
