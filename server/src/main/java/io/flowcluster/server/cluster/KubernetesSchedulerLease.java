package io.flowcluster.server.cluster;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowcluster.server.store.ClusterStore;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.OptionalLong;

/**
 * The scheduler lease as a {@code coordination.k8s.io/v1} Lease, taken and renewed with
 * optimistic concurrency (a stale {@code resourceVersion} loses). Holding the Lease is not
 * enough to dispatch: the holder then takes the database lease too, whose epoch fences every
 * write, so two holders at once (clock skew, a slow API server) still cannot both dispatch.
 * Written by hand rather than with Fabric8's LeaderElector: one renewal loop shared with the
 * jdbc backend, and the Lease's own duration decides expiry.
 */
public class KubernetesSchedulerLease implements SchedulerLease {

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String node;
    private final Duration duration;
    private final ClusterStore store;

    public KubernetesSchedulerLease(KubernetesClient client, String namespace, String name, String node,
            Duration duration, ClusterStore store) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.node = node;
        this.duration = duration;
        this.store = store;
    }

    @Override
    public OptionalLong holdOrTake() {
        return holdKubernetesLease() ? store.holdLease(node, duration) : OptionalLong.empty();
    }

    @Override
    public void release() {
        Lease lease = client.leases().inNamespace(namespace).withName(name).get();
        if (lease != null && lease.getSpec() != null && node.equals(lease.getSpec().getHolderIdentity())) {
            lease.getSpec().setHolderIdentity(null);
            writeOrLose(() -> client.leases().inNamespace(namespace).resource(lease).update());
        }
        store.releaseLease(node);
    }

    private boolean holdKubernetesLease() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Lease lease = client.leases().inNamespace(namespace).withName(name).get();
        if (lease == null) {
            return writeOrLose(() -> client.leases().inNamespace(namespace).resource(new LeaseBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withSpec(spec(null, now)).build()).create());
        }
        LeaseSpec current = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        boolean mine = node.equals(current.getHolderIdentity());
        if (!mine && !expired(current, now)) {
            return false;
        }
        lease.setSpec(spec(mine ? current : takenOver(current), now));
        return writeOrLose(() -> client.leases().inNamespace(namespace).resource(lease).update());
    }

    private LeaseSpec spec(LeaseSpec held, ZonedDateTime now) {
        LeaseSpec spec = new LeaseSpec();
        spec.setHolderIdentity(node);
        spec.setLeaseDurationSeconds((int) Math.max(1, (duration.toMillis() + 999) / 1000));
        spec.setRenewTime(now);
        spec.setAcquireTime(held != null && held.getAcquireTime() != null ? held.getAcquireTime() : now);
        spec.setLeaseTransitions(held != null && held.getLeaseTransitions() != null ? held.getLeaseTransitions() : 0);
        return spec;
    }

    /** What a takeover keeps of the previous holder's spec: only the transition count, plus one. */
    private static LeaseSpec takenOver(LeaseSpec previous) {
        LeaseSpec carried = new LeaseSpec();
        carried.setLeaseTransitions(previous.getLeaseTransitions() == null ? 1 : previous.getLeaseTransitions() + 1);
        return carried;
    }

    private static boolean expired(LeaseSpec spec, ZonedDateTime now) {
        if (spec.getHolderIdentity() == null || spec.getHolderIdentity().isBlank() || spec.getRenewTime() == null) {
            return true;
        }
        int seconds = spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds();
        return !spec.getRenewTime().plusSeconds(seconds).isAfter(now);
    }

    /** False when another node wrote the Lease since we read it (or created it first). */
    private static boolean writeOrLose(Runnable write) {
        try {
            write.run();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return false;
            }
            throw e;
        }
    }
}
