package io.flowcluster.server.cluster;

import io.flowcluster.contract.DesiredRing;
import java.util.Optional;

/**
 * Where the desired ring comes from. With {@code jdbc} coordination there is none: every
 * live member belongs. With {@code kubernetes} it is the operator's ring ConfigMap.
 */
public interface RingSource {

    /** The desired ring, or empty when every live member belongs (or none was published yet). */
    Optional<DesiredRing> desired();

    /** Calls the listener whenever the desired ring may have changed. */
    default void onChange(Runnable listener) {
    }
}
