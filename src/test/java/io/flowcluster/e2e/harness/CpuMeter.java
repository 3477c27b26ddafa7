package io.flowcluster.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time that processes have used, read from /proc (Linux; empty elsewhere), so that a
 * benchmark can say which process its time went to.
 */
public final class CpuMeter {

    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private CpuMeter() {
    }

    /** The process's own CPU time (not its children's). */
    public static Optional<Duration> own(ProcessHandle process) {
        return stat(process.pid()).map(t -> ticks(t[0] + t[1]));
    }

    /**
     * The CPU time of the process and its descendants: the live ones and those it has reaped
     * (a database server's finished backends and autovacuum workers).
     */
    public static Optional<Duration> withDescendants(ProcessHandle process) {
        long total = 0;
        for (ProcessHandle p : Stream.concat(Stream.of(process), process.descendants()).toList()) {
            Optional<long[]> times = stat(p.pid());
            if (times.isEmpty()) {
                if (p.equals(process)) {
                    return Optional.empty();
                }
                continue; // exited meanwhile: counted with its parent once reaped
            }
            total += times.get()[0] + times.get()[1] + times.get()[2] + times.get()[3];
        }
        return Optional.of(ticks(total));
    }

    /** The CPU time of the process's threads named {@code name} (as Linux knows them: 15 characters at most). */
    public static Optional<Duration> threads(ProcessHandle process, String name) {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (Stream<Path> all = Files.list(tasks)) {
            long total = 0;
            for (Path task : all.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).trim().equals(name)) {
                        total += stat(task.resolve("stat")).map(t -> t[0] + t[1]).orElse(0L);
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
            return Optional.of(ticks(total));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The sum, if every part is known. */
    public static Optional<Duration> sum(List<Optional<Duration>> parts) {
        return parts.stream().allMatch(Optional::isPresent)
                ? Optional.of(parts.stream().map(Optional::get).reduce(Duration.ZERO, Duration::plus))
                : Optional.empty();
    }

    /** utime, stime, cutime, cstime in clock ticks (fields 14 to 17 of proc(5)'s stat). */
    private static Optional<long[]> stat(long pid) {
        return stat(Path.of("/proc", Long.toString(pid), "stat"));
    }

    private static Optional<long[]> stat(Path file) {
        try {
            String stat = Files.readString(file);
            // the command name, in parentheses, may hold spaces: count fields after it (state is field 3)
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
                    Long.parseLong(fields[14])});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Duration ticks(long ticks) {
        return Duration.ofNanos(ticks * 1_000_000_000L / TICKS_PER_SECOND);
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100; // the usual USER_HZ
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
