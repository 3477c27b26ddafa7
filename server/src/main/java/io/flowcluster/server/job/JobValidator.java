package io.flowcluster.server.job;

import io.flowcluster.contract.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Checks a submitted job and lists everything wrong with it, each with its field path. */
public final class JobValidator {

    public static final int MIN_PRIORITY = -1000;
    public static final int MAX_PRIORITY = 1000;
    public static final int MAX_RETRIES = 100;
    /** Most items one fanout step may process. */
    public static final long MAX_FANOUT_ITEMS = 10_000_000;
    /** Longest step timeout: long enough for any build or data job, far from every overflow. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(30);
    /** Longest a finished job may be kept: ten years, far from every overflow of a timestamp. */
    public static final Duration MAX_RETENTION = Duration.ofDays(3650);
    /** Longest retry backoff, first or maximal. */
    public static final Duration MAX_BACKOFF = Duration.ofDays(1);
    static final int MAX_NAME_LENGTH = 200;
    static final int MAX_LABEL_VALUE_LENGTH = 256;
    static final Pattern STEP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?");
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final int maxSteps;
    private final WorkingDirs workingDirs;

    public JobValidator(int maxSteps, WorkingDirs workingDirs) {
        this.maxSteps = maxSteps;
        this.workingDirs = workingDirs;
    }

    public List<FieldError> validate(JobSpec job) {
        List<FieldError> errors = new ArrayList<>();
        if (job.name() == null || job.name().isBlank()) {
            errors.add(new FieldError("name", "is required"));
        } else if (job.name().length() > MAX_NAME_LENGTH) {
            errors.add(new FieldError("name", "is longer than " + MAX_NAME_LENGTH + " characters"));
        }
        if (job.priority() != null && (job.priority() < MIN_PRIORITY || job.priority() > MAX_PRIORITY)) {
            errors.add(new FieldError("priority",
                    "must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY + ", was " + job.priority()));
        }
        job.effectiveLabels().forEach((key, value) -> {
            if (!LABEL_KEY.matcher(key).matches()) {
                errors.add(new FieldError("labels." + key,
                        "key must be 1-63 letters, digits, '.', '_', '-' or '/', starting and ending with a letter or digit"));
            }
            if (value == null) {
                errors.add(new FieldError("labels." + key, "value must be a string"));
            } else if (value.length() > MAX_LABEL_VALUE_LENGTH) {
                errors.add(new FieldError("labels." + key, "value is longer than " + MAX_LABEL_VALUE_LENGTH + " characters"));
            }
        });
        job.effectiveParameters().forEach((key, value) -> {
            if (!ENV_NAME.matcher(key).matches()) {
                errors.add(new FieldError("parameters." + key,
                        "name must be letters, digits and '_', not starting with a digit (it becomes FLOW_PARAM_" + key + ")"));
            }
            if (value == null) {
                errors.add(new FieldError("parameters." + key, "value must be a string"));
            }
        });
        if (job.retention() != null) {
            positiveDuration(job.retention(), MAX_RETENTION, "retention", errors);
        }
        validateSteps(job.steps(), errors);
        return errors;
    }

    private void validateSteps(List<StepSpec> steps, List<FieldError> errors) {
        if (steps == null || steps.isEmpty()) {
            errors.add(new FieldError("steps", "at least one step is required"));
            return;
        }
        if (steps.size() > maxSteps) {
            errors.add(new FieldError("steps", "has " + steps.size() + " steps; at most " + maxSteps + " are allowed"));
            return;
        }
        Map<String, Integer> indexByName = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            StepSpec step = steps.get(i);
            String at = "steps[" + i + "]";
            if (step == null) {
                errors.add(new FieldError(at, "must be an object"));
                continue;
            }
            if (step.name() == null || step.name().isBlank()) {
                errors.add(new FieldError(at + ".name", "is required"));
            } else if (!STEP_NAME.matcher(step.name()).matches()) {
                errors.add(new FieldError(at + ".name",
                        "'" + step.name() + "' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit"));
            } else {
                Integer first = indexByName.putIfAbsent(step.name(), i);
                if (first != null) {
                    errors.add(new FieldError(at + ".name",
                            "duplicate step name '" + step.name() + "' (also steps[" + first + "])"));
                }
            }
            validateStepBody(step, at, errors);
        }
        validateDependencies(steps, indexByName, errors);
    }

    private void validateStepBody(StepSpec step, String at, List<FieldError> errors) {
        if (step.kind() != null && StepKind.fromWireName(step.kind()).isEmpty()) {
            errors.add(new FieldError(at + ".kind",
                    "unknown kind '" + step.kind() + "'; expected one of: " + StepKind.allowedNames()));
            return;
        }
        StepKind kind = step.stepKind();
        boolean runsCommand = kind == StepKind.COMMAND || kind == StepKind.FANOUT && step.hasCommand();
        if (runsCommand) {
            validateCommand(step, at, errors);
        } else if (kind != StepKind.FANOUT) {
            for (String field : commandOnlyFieldsSet(step)) {
                errors.add(new FieldError(at + "." + field, "is not allowed for kind '" + kind.wireName() + "'"));
            }
        }
        if (kind == StepKind.FANOUT) {
            validateFanout(step.fanout(), at + ".fanout", errors);
        } else if (step.fanout() != null) {
            errors.add(new FieldError(at + ".fanout", "is only allowed for kind 'fanout'"));
        }
        if (kind == StepKind.WAIT) {
            if (step.message() == null || step.message().isBlank()) {
                errors.add(new FieldError(at + ".message", "a wait step needs the name of the message it waits for"));
            } else if (step.message().length() > MAX_NAME_LENGTH) {
                errors.add(new FieldError(at + ".message", "must be at most " + MAX_NAME_LENGTH + " characters"));
            }
        } else if (step.message() != null) {
            errors.add(new FieldError(at + ".message", "is only allowed for kind 'wait'"));
        }
        if (step.timeout() != null) {
            positiveDuration(step.timeout(), MAX_TIMEOUT, at + ".timeout", errors);
        }
        validateRetries(step.retries(), at + ".retries", errors);
    }

    private static void validateFanout(FanoutSpec fanout, String at, List<FieldError> errors) {
        if (fanout == null) {
            errors.add(new FieldError(at, "a fanout step needs 'fanout' with 'items' (a list) or 'range' ({from, to})"));
        } else if ((fanout.items() == null) == (fanout.range() == null)) {
            errors.add(new FieldError(at, "give either 'items' or 'range', not both or neither"));
        } else if (fanout.items() != null) {
            if (fanout.items().isEmpty()) {
                errors.add(new FieldError(at + ".items", "must not be empty"));
            }
        } else if (fanout.range().from() == null || fanout.range().to() == null) {
            errors.add(new FieldError(at + ".range", "needs 'from' (inclusive) and 'to' (exclusive)"));
        } else {
            long count = itemCount(fanout.range());
            if (count <= 0 || count > MAX_FANOUT_ITEMS) {
                errors.add(new FieldError(at + ".range", "must hold 1 to " + MAX_FANOUT_ITEMS + " items ('to' is exclusive), held "
                        + Math.max(0, count)));
            }
        }
    }

    /** {@code to - from}, or {@code Long.MAX_VALUE} where that overflows (a range far too large). */
    private static long itemCount(FanoutSpec.Range range) {
        try {
            return Math.subtractExact(range.to(), range.from());
        } catch (ArithmeticException e) {
            return range.to() > range.from() ? Long.MAX_VALUE : 0;
        }
    }

    private static List<String> commandOnlyFieldsSet(StepSpec step) {
        List<String> set = new ArrayList<>();
        if (step.command() != null) {
            set.add("command");
        }
        if (step.shell() != null) {
            set.add("shell");
        }
        if (step.env() != null) {
            set.add("env");
        }
        if (step.workingDir() != null) {
            set.add("workingDir");
        }
        return set;
    }

    private void validateCommand(StepSpec step, String at, List<FieldError> errors) {
        if (step.command() == null && step.shell() == null) {
            errors.add(new FieldError(at, "a command step needs 'command' (an argv list) or 'shell' (a string)"));
        } else if (step.command() != null && step.shell() != null) {
            errors.add(new FieldError(at, "give either 'command' or 'shell', not both"));
        } else if (step.command() != null) {
            if (step.command().isEmpty() || step.command().get(0) == null || step.command().get(0).isBlank()) {
                errors.add(new FieldError(at + ".command", "must start with the program to run"));
            }
            for (int j = 0; j < step.command().size(); j++) {
                if (step.command().get(j) == null) {
                    errors.add(new FieldError(at + ".command[" + j + "]", "must be a string"));
                }
            }
        } else if (step.shell().isBlank()) {
            errors.add(new FieldError(at + ".shell", "must not be blank"));
        }
        if (step.env() != null) {
            step.env().forEach((key, value) -> {
                if (!ENV_NAME.matcher(key).matches()) {
                    errors.add(new FieldError(at + ".env." + key, "is not a valid environment variable name"));
                }
                if (value == null) {
                    errors.add(new FieldError(at + ".env." + key, "value must be a string"));
                }
            });
        }
        if (step.workingDir() != null) {
            workingDirs.problem(step.workingDir()).ifPresent(p -> errors.add(new FieldError(at + ".workingDir", p)));
        }
    }

    private static void validateRetries(RetrySpec retries, String at, List<FieldError> errors) {
        if (retries == null) {
            return;
        }
        if (retries.limit() != null && (retries.limit() < 0 || retries.limit() > MAX_RETRIES)) {
            errors.add(new FieldError(at + ".limit", "must be between 0 and " + MAX_RETRIES + ", was " + retries.limit()));
        }
        Duration backoff = retries.backoff() == null ? null
                : nonNegativeDuration(retries.backoff(), MAX_BACKOFF, at + ".backoff", errors);
        Duration max = retries.maxBackoff() == null ? null
                : nonNegativeDuration(retries.maxBackoff(), MAX_BACKOFF, at + ".maxBackoff", errors);
        if (backoff != null && max != null && max.compareTo(backoff) < 0) {
            errors.add(new FieldError(at + ".maxBackoff", "must not be shorter than backoff"));
        }
        if (retries.multiplier() != null && (retries.multiplier() < 1.0 || retries.multiplier() > 10.0)) {
            errors.add(new FieldError(at + ".multiplier", "must be between 1 and 10, was " + retries.multiplier()));
        }
    }

    private static void validateDependencies(List<StepSpec> steps, Map<String, Integer> indexByName, List<FieldError> errors) {
        boolean resolvable = true;
        int[][] dependsOn = new int[steps.size()][];
        for (int i = 0; i < steps.size(); i++) {
            StepSpec step = steps.get(i);
            List<String> deps = step == null ? List.of() : step.dependencies();
            Set<String> seen = new HashSet<>();
            dependsOn[i] = new int[deps.size()];
            for (int j = 0; j < deps.size(); j++) {
                String dep = deps.get(j);
                String at = "steps[" + i + "].dependsOn[" + j + "]";
                Integer target = dep == null ? null : indexByName.get(dep);
                if (dep == null) {
                    errors.add(new FieldError(at, "must be a step name"));
                } else if (dep.equals(step.name())) {
                    errors.add(new FieldError(at, "step '" + dep + "' cannot depend on itself"));
                } else if (!seen.add(dep)) {
                    errors.add(new FieldError(at, "'" + dep + "' is listed twice"));
                } else if (target == null) {
                    errors.add(new FieldError(at, "unknown step '" + dep + "'"));
                }
                if (target == null || dep.equals(step.name())) {
                    resolvable = false;
                } else {
                    dependsOn[i][j] = target;
                }
            }
        }
        if (resolvable) {
            new JobGraph(dependsOn).cycle().ifPresent(cycle -> errors.add(new FieldError("steps",
                    "dependsOn forms a cycle: " + cycle.stream().map(i -> steps.get(i).name())
                            .collect(Collectors.joining(" -> ")))));
        }
    }

    private static void positiveDuration(String text, Duration max, String at, List<FieldError> errors) {
        Duration d = nonNegativeDuration(text, max, at, errors);
        if (d != null && d.isZero()) {
            errors.add(new FieldError(at, "must be longer than zero"));
        }
    }

    private static Duration nonNegativeDuration(String text, Duration max, String at, List<FieldError> errors) {
        try {
            Duration d = Durations.parse(text);
            if (d.isNegative()) {
                errors.add(new FieldError(at, "must not be negative"));
                return null;
            }
            if (d.compareTo(max) > 0) {
                errors.add(new FieldError(at, "must be at most " + Durations.format(max) + ", was '" + text + "'"));
                return null;
            }
            return d;
        } catch (RuntimeException e) {
            errors.add(new FieldError(at, "'" + text + "' is not a duration (examples: 500ms, 30s, 5m, 1h, PT1M)"));
            return null;
        }
    }
}
