package io.flowcluster.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Conditions whose lastTransitionTime moves only when their status really changes. */
public final class Conditions {

    private Conditions() {
    }

    public static Condition of(String type, boolean status, String reason, String message, long generation,
            List<Condition> previous, String now) {
        String value = status ? "True" : "False";
        String since = find(previous, type).filter(c -> value.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime).orElse(now);
        return new ConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(since).build();
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> Objects.equals(type, c.getType())).findFirst();
    }
}
