package io.flowcluster.operator.reconciler;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Only one operator replica reconciles at a time (the others wait on the Lease
 * {@code flowcluster-operator} in their own namespace). Active in the prod profile, so
 * several replicas of the chart's Deployment are safe; a single one simply holds it.
 */
public class LeaderElection {

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(@ConfigProperty(name = "POD_NAMESPACE", defaultValue = "default") String namespace) {
        return new LeaderElectionConfiguration("flowcluster-operator", namespace);
    }
}
