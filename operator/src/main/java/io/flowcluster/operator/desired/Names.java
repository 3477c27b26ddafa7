package io.flowcluster.operator.desired;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.flowcluster.contract.CoordinationNames;
import io.flowcluster.operator.crd.FlowCluster;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of everything a FlowCluster owns; those the server looks up come from the contract. */
public final class Names {

    public static final String MANAGED_BY = "flowcluster-operator";
    public static final String NAME_LABEL = "app.kubernetes.io/name";
    public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
    public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String SERVER = "server";
    public static final String DATABASE = "database";
    public static final String HTTP_PORT_NAME = "http";
    public static final int HTTP_PORT = 8080;
    public static final int POSTGRES_PORT = 5432;

    private Names() {
    }

    public static String server(FlowCluster fc) {
        return fc.getMetadata().getName();
    }

    public static String headless(FlowCluster fc) {
        return fc.getMetadata().getName() + "-nodes";
    }

    public static String config(FlowCluster fc) {
        return fc.getMetadata().getName() + "-config";
    }

    public static String apiToken(FlowCluster fc) {
        return fc.getMetadata().getName() + "-api-token";
    }

    public static String database(FlowCluster fc) {
        return fc.getMetadata().getName() + "-db";
    }

    /** The Lease that elects the scheduler. */
    public static String schedulerLease(FlowCluster fc) {
        return CoordinationNames.schedulerLease(fc.getMetadata().getName());
    }

    /** The ring ConfigMap the operator writes and the scheduler follows. */
    public static String ring(FlowCluster fc) {
        return CoordinationNames.ring(fc.getMetadata().getName());
    }

    /** The ConfigMap the scheduler writes what it applied into. */
    public static String schedulerState(FlowCluster fc) {
        return CoordinationNames.schedulerState(fc.getMetadata().getName());
    }

    /** Labels on everything the FlowCluster owns. */
    public static Map<String, String> labels(FlowCluster fc, String component) {
        Map<String, String> labels = new LinkedHashMap<>(selector(fc, component));
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        return labels;
    }

    /** The labels that select a component's pods: stable, never changed by an upgrade. */
    public static Map<String, String> selector(FlowCluster fc, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME_LABEL, "flowcluster");
        labels.put(INSTANCE_LABEL, fc.getMetadata().getName());
        labels.put(COMPONENT_LABEL, component);
        return labels;
    }

    public static String selectorString(FlowCluster fc) {
        StringBuilder s = new StringBuilder();
        selector(fc, SERVER).forEach((k, v) -> s.append(s.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return s.toString();
    }

    /** Makes the FlowCluster the controller of an object: deleting it deletes the object. */
    public static OwnerReference owner(FlowCluster fc) {
        return new OwnerReferenceBuilder()
                .withApiVersion(fc.getApiVersion()).withKind(fc.getKind())
                .withName(fc.getMetadata().getName()).withUid(fc.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true)
                .build();
    }
}
