package io.kestra.plugin.scripts.node;

import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.annotations.PluginProperty;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.models.tasks.runners.TargetOS;
import io.kestra.core.runners.RunContext;
import io.kestra.plugin.scripts.exec.AbstractExecScript;
import io.kestra.plugin.scripts.exec.scripts.models.DockerOptions;
import io.kestra.plugin.scripts.exec.scripts.models.ScriptOutput;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import lombok.Builder;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.NoArgsConstructor;
import lombok.ToString;
import lombok.experimental.SuperBuilder;

import java.util.List;

/**
 * <b>Stand-in</b> for {@code io.kestra.plugin.scripts.node.Commands} from Kestra's
 * {@code plugin-script-node}, which is not on Maven Central. It lives only in the local Kestra;
 * the official Kestra image has the real plugin, so the flows run there unchanged.
 *
 * <p>It keeps the real task's type and properties ({@code commands}, {@code containerImage},
 * plus everything of {@link AbstractExecScript}: {@code env}, {@code taskRunner},
 * {@code namespaceFiles}, {@code inputFiles}, {@code outputFiles}, {@code beforeCommands},
 * {@code interpreter}) and runs them through {@code io.kestra:script}'s own command wrapper, so
 * task runners, files and {@code ::{"outputs": …}::} parsing are Kestra's code, not ours.
 */
@SuperBuilder
@ToString
@EqualsAndHashCode(callSuper = true)
@Getter
@NoArgsConstructor
@Schema(title = "Run Node.js commands (local stand-in for plugin-script-node's Commands).")
@Plugin
public class Commands extends AbstractExecScript implements RunnableTask<ScriptOutput> {
    @Schema(title = "Container image, used only by container task runners.")
    @Builder.Default
    @PluginProperty
    protected Property<String> containerImage = Property.ofValue("node");

    @Schema(title = "The commands to run, in order.")
    @NotNull
    @PluginProperty
    protected Property<List<String>> commands;

    @Override
    protected DockerOptions injectDefaults(RunContext runContext, DockerOptions original) throws io.kestra.core.exceptions.IllegalVariableEvaluationException {
        if (original.getImage() != null) return original;
        return original.toBuilder().image(runContext.render(containerImage).as(String.class).orElse(null)).build();
    }

    @Override
    public ScriptOutput run(RunContext runContext) throws Exception {
        TargetOS os = runContext.render(targetOS).as(TargetOS.class).orElse(null);
        return commands(runContext)
            .withInterpreter(interpreter)
            .withBeforeCommands(beforeCommands)
            .withBeforeCommandsWithOptions(true)
            .withCommands(commands)
            .withTargetOS(os)
            .run();
    }
}
