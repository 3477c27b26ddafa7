package io.flowcluster.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobValidatorTest {

    private final JobValidator validator = new JobValidator(5, new WorkingDirs(List.of("/srv/builds")));

    private static StepSpec noop(String name, String... deps) {
        return new StepSpec(name, "noop", null, null, null, null, null, null, deps.length == 0 ? null : Arrays.asList(deps), null, null);
    }

    private static StepSpec shell(String name, String script) {
        return new StepSpec(name, null, null, script, null, null, null, null, null, null, null);
    }

    private static JobSpec job(StepSpec... steps) {
        return new JobSpec("build", 0, null, null, Arrays.asList(steps), null, null);
    }

    private List<FieldError> errors(JobSpec job) {
        return validator.validate(job);
    }

    @Test
    void aValidJobHasNoErrors() {
        assertThat(errors(job(shell("checkout", "git clone x"), noop("test", "checkout")))).isEmpty();
    }

    @Test
    void nameIsRequired() {
        assertThat(errors(new JobSpec(" ", null, null, null, List.of(noop("a")), null, null)))
                .containsExactly(new FieldError("name", "is required"));
    }

    @Test
    void priorityMustBeInRange() {
        assertThat(errors(new JobSpec("j", 1001, null, null, List.of(noop("a")), null, null)))
                .extracting(FieldError::field).containsExactly("priority");
        assertThat(errors(new JobSpec("j", -1000, null, null, List.of(noop("a")), null, null))).isEmpty();
    }

    @Test
    void stepsAreRequiredAndBounded() {
        assertThat(errors(new JobSpec("j", null, null, null, List.of(), null, null)))
                .containsExactly(new FieldError("steps", "at least one step is required"));
        assertThat(errors(job(noop("a"), noop("b"), noop("c"), noop("d"), noop("e"), noop("f"))))
                .extracting(FieldError::message).containsExactly("has 6 steps; at most 5 are allowed");
    }

    @Test
    void duplicateStepNamesPointAtBothPlaces() {
        assertThat(errors(job(noop("a"), noop("a"))))
                .containsExactly(new FieldError("steps[1].name", "duplicate step name 'a' (also steps[0])"));
    }

    @Test
    void unknownSelfAndRepeatedDependenciesAreNamed() {
        assertThat(errors(job(noop("a", "nope"), noop("b", "b"), noop("c", "a", "a"))))
                .containsExactly(
                        new FieldError("steps[0].dependsOn[0]", "unknown step 'nope'"),
                        new FieldError("steps[1].dependsOn[0]", "step 'b' cannot depend on itself"),
                        new FieldError("steps[2].dependsOn[1]", "'a' is listed twice"));
    }

    @Test
    void cyclesAreReportedWithTheirPath() {
        assertThat(errors(job(noop("a", "c"), noop("b", "a"), noop("c", "b"))))
                .extracting(FieldError::message)
                .singleElement().asString().startsWith("dependsOn forms a cycle: ").contains("a", "b", "c");
    }

    @Test
    void commandStepsNeedExactlyOneOfCommandAndShell() {
        StepSpec neither = new StepSpec("a", "command", null, null, null, null, null, null, null, null, null);
        StepSpec both = new StepSpec("a", "command", List.of("ls"), "ls", null, null, null, null, null, null, null);
        StepSpec empty = new StepSpec("a", null, List.of(), null, null, null, null, null, null, null, null);
        assertThat(errors(job(neither))).extracting(FieldError::message)
                .containsExactly("a command step needs 'command' (an argv list) or 'shell' (a string)");
        assertThat(errors(job(both))).extracting(FieldError::message).containsExactly("give either 'command' or 'shell', not both");
        assertThat(errors(job(empty))).extracting(FieldError::field).containsExactly("steps[0].command");
    }

    @Test
    void unknownKindListsTheKnownOnes() {
        StepSpec bogus = new StepSpec("a", "docker", null, null, null, null, null, null, null, null, null);
        assertThat(errors(job(bogus)))
                .containsExactly(new FieldError("steps[0].kind", "unknown kind 'docker'; expected one of: command, noop, wait, fanout"));
    }

    @Test
    void noopStepsTakeNoCommandFields() {
        StepSpec noopWithShell = new StepSpec("a", "noop", null, "ls", Map.of("A", "b"), null, null, null, null, null, null);
        assertThat(errors(job(noopWithShell))).extracting(FieldError::field)
                .containsExactly("steps[0].shell", "steps[0].env");
    }

    @Test
    void aWaitStepNamesItsMessageAndOnlyAWaitStepMay() {
        StepSpec bare = new StepSpec("a", "wait", null, null, null, null, null, null, null, null, null);
        StepSpec withShell = new StepSpec("a", "wait", null, "ls", null, null, null, null, null, "go", null);
        StepSpec commandWithMessage = new StepSpec("a", null, null, "ls", null, null, null, null, null, "go", null);
        assertThat(errors(job(bare))).extracting(FieldError::field).containsExactly("steps[0].message");
        assertThat(errors(job(withShell))).extracting(FieldError::field).containsExactly("steps[0].shell");
        assertThat(errors(job(commandWithMessage))).extracting(FieldError::message)
                .containsExactly("is only allowed for kind 'wait'");
        assertThat(errors(job(new StepSpec("a", "wait", null, null, null, null, "1h", null, null, "approve", null)))).isEmpty();
    }

    @Test
    void durationsAndRetriesAreChecked() {
        StepSpec step = new StepSpec("a", "noop", null, null, null, null, "soon",
                new RetrySpec(101, "5s", "1s", 0.5), null, null, null);
        assertThat(errors(job(step))).extracting(FieldError::field).containsExactly(
                "steps[0].timeout", "steps[0].retries.limit", "steps[0].retries.maxBackoff", "steps[0].retries.multiplier");
        StepSpec zero = new StepSpec("a", "noop", null, null, null, null, "0s", null, null, null, null);
        assertThat(errors(job(zero))).containsExactly(new FieldError("steps[0].timeout", "must be longer than zero"));
    }

    @Test
    void durationsThatWouldOverflowDownstreamAreRefused() {
        StepSpec huge = new StepSpec("a", "noop", null, null, null, null, "200000d",
                new RetrySpec(3, "3000000000h", "3000000001h", null), null, null, null);
        assertThat(errors(job(huge))).containsExactly(
                new FieldError("steps[0].timeout", "must be at most 30d, was '200000d'"),
                new FieldError("steps[0].retries.backoff", "must be at most 1d, was '3000000000h'"),
                new FieldError("steps[0].retries.maxBackoff", "must be at most 1d, was '3000000001h'"));
        StepSpec longest = new StepSpec("a", "noop", null, null, null, null, "30d",
                new RetrySpec(3, "24h", "1d", null), null, null, null);
        assertThat(errors(job(longest))).isEmpty();
    }

    @Test
    void aFanoutRangeThatWrapsAroundIsRefused() {
        StepSpec wraps = new StepSpec("each", "fanout", null, null, null, null, null, null, null, null,
                new FanoutSpec(null, new FanoutSpec.Range(Long.MAX_VALUE, Long.MIN_VALUE + 5)));
        assertThat(errors(job(wraps))).extracting(FieldError::field).containsExactly("steps[0].fanout.range");
        StepSpec tooWide = new StepSpec("each", "fanout", null, null, null, null, null, null, null, null,
                new FanoutSpec(null, new FanoutSpec.Range(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertThat(errors(job(tooWide))).singleElement().satisfies(e -> assertThat(e.message()).contains("must hold 1 to 10000000"));
        StepSpec top = new StepSpec("each", "fanout", null, null, null, null, null, null, null, null,
                new FanoutSpec(null, new FanoutSpec.Range(Long.MAX_VALUE - 3, Long.MAX_VALUE)));
        assertThat(errors(job(top))).isEmpty();
    }

    @Test
    void aStepRunsInItsWorkspaceOrUnderAnAllowedPath() {
        for (String fine : List.of("src", "src/main", "./out", "/srv/builds", "/srv/builds/app")) {
            assertThat(errors(job(inDir(fine)))).as(fine).isEmpty();
        }
        assertThat(errors(job(inDir("/etc")))).singleElement().isEqualTo(new FieldError("steps[0].workingDir",
                "must be relative to the job's workspace, or under one of [/srv/builds]"));
        for (String escape : List.of("../other-job", "src/../../x", "/srv/builds/../../etc", "/srv/buildsX", "/")) {
            assertThat(errors(job(inDir(escape)))).as(escape).extracting(FieldError::field).containsExactly("steps[0].workingDir");
        }
        assertThat(new JobValidator(5, new WorkingDirs(List.of())).validate(job(inDir("/tmp")))).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("no absolute working directories are allowed"));
    }

    private static StepSpec inDir(String dir) {
        return new StepSpec("a", null, null, "true", null, dir, null, null, null, null, null);
    }

    @Test
    void labelsParametersAndEnvNamesAreChecked() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("-bad", "x");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("1st", "x");
        StepSpec step = new StepSpec("a", null, null, "true", Map.of("NOT-VALID", "x"), "/etc", null, null, null, null, null);
        assertThat(errors(new JobSpec("j", null, labels, params, List.of(step), null, null))).extracting(FieldError::field)
                .containsExactly("labels.-bad", "parameters.1st", "steps[0].env.NOT-VALID", "steps[0].workingDir");
    }

    @Test
    void stepNamesMustBeSimple() {
        assertThat(errors(job(noop("has space")))).extracting(FieldError::field).containsExactly("steps[0].name");
    }
}
