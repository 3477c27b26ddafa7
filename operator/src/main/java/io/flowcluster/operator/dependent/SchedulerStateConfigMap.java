package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.flowcluster.operator.desired.CoordinationObjects;

/** The ConfigMap the scheduler publishes its state in: created here so that the nodes' Role can name it. */
public class SchedulerStateConfigMap extends CreatedOnce<ConfigMap> {

    public SchedulerStateConfigMap() {
        super(ConfigMap.class, CoordinationObjects::schedulerState);
    }
}
