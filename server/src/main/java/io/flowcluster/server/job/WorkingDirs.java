package io.flowcluster.server.job;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a step may run. A relative {@code workingDir} is a directory inside the job's
 * workspace; an absolute one must lie under a path the cluster's operator allowed
 * ({@code flow.worker.allowed-working-dirs}, none by default), so that a job cannot write to
 * {@code /etc} or run in the server's directories. No {@code ..} may climb out.
 */
public final class WorkingDirs {

    private final List<Path> allowed;

    public WorkingDirs(List<String> allowed) {
        this.allowed = allowed.stream().map(p -> Path.of(p).normalize()).toList();
    }

    /** What is wrong with a submitted {@code workingDir}, if anything. */
    public Optional<String> problem(String workingDir) {
        Path path;
        try {
            path = Path.of(workingDir);
        } catch (InvalidPathException e) {
            return Optional.of("is not a path");
        }
        if (workingDir.isBlank()) {
            return Optional.of("must not be blank");
        }
        for (Path part : path) {
            if (part.toString().equals("..")) {
                return Optional.of("must not contain '..'");
            }
        }
        if (path.isAbsolute() && !isAllowed(path)) {
            return Optional.of(allowed.isEmpty()
                    ? "must be relative to the job's workspace; no absolute working directories are allowed on this cluster"
                    : "must be relative to the job's workspace, or under one of " + allowed);
        }
        return Optional.empty();
    }

    /**
     * Whether a step may run in {@code realDir}, checked at run time on real paths (a link an
     * earlier step made must not lead out): the workspace, a directory in it, or an allowed one.
     */
    public boolean contains(Path realWorkspace, Path realDir) {
        return realDir.startsWith(realWorkspace) || isAllowed(realDir);
    }

    private boolean isAllowed(Path absolute) {
        Path normal = absolute.normalize();
        return allowed.stream().anyMatch(normal::startsWith);
    }
}
