package io.kestra.plugin.scripts.node;

import io.kestra.core.junit.annotations.ExecuteFlow;
import io.kestra.core.junit.annotations.KestraTest;
import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.flows.State;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTaskException;
import io.kestra.core.models.tasks.runners.TaskException;
import io.kestra.core.runners.RunContext;
import io.kestra.core.runners.RunContextFactory;
import io.kestra.core.utils.TestsUtils;
import io.kestra.plugin.core.runner.Process;
import io.kestra.plugin.scripts.exec.scripts.models.ScriptOutput;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stand-in runs node through io.kestra:script's wrapper: env, outputs, files and failures as the real task. */
@KestraTest(startRunner = true)
class CommandsTest {
    @Inject
    private RunContextFactory runContextFactory;

    private Commands task(List<String> commands, Map<String, String> env) {
        return Commands.builder()
            .id("node")
            .type(Commands.class.getName())
            .taskRunner(Process.instance())
            .env(Property.ofValue(env))
            .commands(Property.ofValue(commands))
            .build();
    }

    @Test
    void runsNodeWithTheTaskEnvironmentAndParsesItsOutputs() throws Exception {
        Commands task = task(List.of("node -e 'console.log(\"::\" + JSON.stringify({outputs:{name:process.env.WHO}}) + \"::\")'"), Map.of("WHO", "kestra"));
        RunContext runContext = TestsUtils.mockRunContext(runContextFactory, task, Map.of());

        ScriptOutput output = task.run(runContext);

        assertEquals(0, output.getExitCode());
        assertEquals("kestra", output.getVars().get("name"));
    }

    @Test
    void aFailingCommandFailsTheTaskWithItsExitCode() {
        Commands task = task(List.of("node -e 'process.exit(3)'"), Map.of());
        RunContext runContext = TestsUtils.mockRunContext(runContextFactory, task, Map.of());

        RunnableTaskException failure = assertThrows(RunnableTaskException.class, () -> task.run(runContext));

        TaskException cause = assertInstanceOf(TaskException.class, failure.getCause());
        assertEquals(3, cause.getExitCode());
    }

    @Test
    @ExecuteFlow("flows/node-commands.yaml")
    void runsInAFlowOnTheEngine(Execution execution) {
        assertEquals(State.Type.SUCCESS, execution.getState().getCurrent());
        assertEquals(1, execution.getTaskRunList().size());
        assertTrue(execution.getTaskRunList().getFirst().getState().isSuccess());
    }
}
