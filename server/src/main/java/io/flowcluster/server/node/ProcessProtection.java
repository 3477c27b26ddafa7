package io.flowcluster.server.node;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Marks this process not dumpable (Linux {@code prctl(PR_SET_DUMPABLE, 0)}): its
 * {@code /proc/PID/environ}, {@code mem} and open files become readable by root only, and no
 * process of the same user may attach to it. Steps run as the server's user (in a pod there
 * is no other); this keeps the API token and the database password in the server's
 * environment out of their reach. Root keeps access: as root, steps run in a PID namespace
 * where the server's {@code /proc} entries do not exist.
 */
public final class ProcessProtection {

    private static final int PR_GET_DUMPABLE = 3;
    private static final int PR_SET_DUMPABLE = 4;

    private ProcessProtection() {
    }

    private interface C extends Library {
        int prctl(int option, long arg2, long arg3, long arg4, long arg5);
    }

    /** Applies it; says why when it cannot (not Linux, no libc found). */
    public static String apply() {
        if (!Platform.isLinux()) {
            return "not on Linux: the server's environment stays readable by its own user's processes";
        }
        try {
            C libc = Native.load("c", C.class);
            if (libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
                return "prctl(PR_SET_DUMPABLE) failed with errno " + Native.getLastError();
            }
            return null;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return "prctl is out of reach (" + e.getMessage() + ")";
        }
    }

    /** Whether this process is dumpable now (1) or not (0); -1 where that cannot be asked. */
    public static int dumpable() {
        if (!Platform.isLinux()) {
            return -1;
        }
        return Native.load("c", C.class).prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    }
}
