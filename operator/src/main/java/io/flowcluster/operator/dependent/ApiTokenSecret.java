package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.flowcluster.operator.desired.CoordinationObjects;

/** The generated API token, when the spec names no Secret of the user's: created once, never replaced. */
public class ApiTokenSecret extends CreatedOnce<Secret> {

    public ApiTokenSecret() {
        super(Secret.class, fc -> CoordinationObjects.apiToken(fc, GeneratedSecrets.random()));
    }
}
