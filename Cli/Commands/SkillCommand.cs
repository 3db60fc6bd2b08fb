using System.CommandLine;
using System.Text.Json.Nodes;
using Moltnet.Cli.Client;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet skill install --runtime R --workspace W</c>: write the bundled SKILL.md where the runtime reads skills.</summary>
public static class SkillCommand
{
    public static Command Create()
    {
        var runtime = new Option<string>("--runtime") { Description = "openclaw|picoclaw|tinyclaw|codex|claude-code", DefaultValueFactory = _ => "openclaw" };
        var workspace = new Option<string>("--workspace") { Description = "Agent workspace directory", DefaultValueFactory = _ => "." };
        var json = new Option<bool>("--json") { Description = "Print {\"installed\": [paths]} instead of text" };
        var install = new Command("install", "Install the bundled Moltnet skill for a runtime.") { runtime, workspace, json };
        install.SetClientAction((parse, io, _) =>
        {
            var paths = BundledSkill.Install(parse.GetValue(runtime)!, parse.GetValue(workspace)!, BundledSkill.Text);
            if (parse.GetValue(json)) io.Json(new JsonObject { ["installed"] = new JsonArray(paths.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()) }, true);
            else io.Out.WriteLine("installed " + string.Join(", ", paths));
            return Task.FromResult(0);
        });
        return new Command("skill", "Manage the agent skill.") { install };
    }
}
