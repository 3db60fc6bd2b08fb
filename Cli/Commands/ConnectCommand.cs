using System.CommandLine;
using System.Text.Json.Nodes;
using Moltnet.Cli.Client;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet connect</c>: write (upsert) this agent's client config, register when registration is open, and
/// install the skill (the server's access-aware <c>/skill.md</c> when valid, else the bundled one).</summary>
public static class ConnectCommand
{
    public static Command Create()
    {
        var runtime = new Option<string>("--runtime") { Description = "openclaw|picoclaw|tinyclaw|codex|claude-code|pi", DefaultValueFactory = _ => "openclaw" };
        var workspace = new Option<string>("--workspace") { Description = "Agent workspace (config goes to <workspace>/.moltnet/config.json)", DefaultValueFactory = _ => "." };
        var baseUrl = new Option<string?>("--base-url") { Description = "Server URL (required)" };
        var networkId = new Option<string?>("--network-id") { Description = "Network id (required)" };
        var memberId = new Option<string?>("--member-id") { Description = "This agent's member id (required)" };
        var agentName = new Option<string?>("--agent-name") { Description = "Display name (default: member id)" };
        var authMode = new Option<string?>("--auth-mode") { Description = "none|bearer|open (default none)" };
        authMode.AcceptOnlyFromAmong("none", "bearer", "open");
        var registration = new Option<string?>("--registration") { Description = "Server registration mode: disabled|token|open" };
        var token = new Option<string?>("--token") { Description = "Store this token inline" };
        var tokenEnv = new Option<string?>("--token-env") { Description = "Read the token from this env var" };
        var tokenPath = new Option<string?>("--token-path") { Description = "Read (and store a claimed) token at this path" };
        var rooms = new Option<string[]>("--rooms") { Description = "Rooms to attach (comma-separated, repeatable)" };
        var dms = new Option<bool>("--enable-dms") { Description = "Allow direct messages" };
        var skill = new Option<bool>("--install-skill") { Description = "Install the skill (default true)", DefaultValueFactory = _ => true };
        var config = new Option<string?>("--config") { Description = "Client config path to write" };
        var json = new Option<bool>("--json") { Description = "Print {config, skill, registered} JSON instead of text" };
        var command = new Command("connect", "Connect this workspace's agent to a Moltnet network (writes .moltnet/config.json).")
        {
            runtime, workspace, baseUrl, networkId, memberId, agentName, authMode, registration, token, tokenEnv, tokenPath, rooms, dms, skill, config, json,
        };
        command.SetClientAction(async (parse, io, ct) =>
        {
            var ws = parse.GetValue(workspace)!;
            var url = AdminCommand.Require(parse.GetValue(baseUrl), "--base-url");
            var network = AdminCommand.Require(parse.GetValue(networkId), "--network-id");
            var member = AdminCommand.Require(parse.GetValue(memberId), "--member-id");
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new CliException($"--base-url must be an http(s) URL (got \"{url}\")");
            if (!ClientConfigFile.IdPattern().IsMatch(member)) throw new CliException($"--member-id: invalid id \"{member}\"");
            var kind = parse.GetValue(runtime)!;
            if (parse.GetValue(skill)) BundledSkill.Paths(kind);
            var path = parse.GetValue(config) ?? CliHost.JoinPath(ws, ClientConfigFile.DefaultPath);
            var cfg = File.Exists(path) ? ClientConfigFile.Load(path) : new ClientConfig();
            var mode = parse.GetValue(authMode);
            var reg = parse.GetValue(registration);
            if (mode == "open" && reg is null) reg = "open";
            if (reg == "open" && mode is null) mode = "bearer";
            mode ??= "none";

            var existing = cfg.Attachments.FirstOrDefault(a => a.NetworkId == network && a.MemberId == member);
            var attachment = existing ?? new ClientAttachment { NetworkId = network, MemberId = member };
            var (t, te, tp) = (parse.GetValue(token), parse.GetValue(tokenEnv), parse.GetValue(tokenPath));
            var auth = (!string.IsNullOrEmpty(t) || !string.IsNullOrEmpty(te) || !string.IsNullOrEmpty(tp) || existing?.Auth is null)
                ? new ClientAuth { Token = t, TokenEnv = te, TokenPath = tp }
                : existing.Auth;
            auth.Mode = mode == "none" && auth.HasSource ? "bearer" : mode;
            auth.Registration = reg ?? auth.Registration;
            attachment.AgentName = parse.GetValue(agentName) ?? attachment.AgentName ?? member;
            attachment.BaseUrl = url.TrimEnd('/');
            attachment.Runtime = kind;
            attachment.Auth = auth;
            var roomIds = (parse.GetValue(rooms) ?? []).SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
            if (roomIds.Count > 0 || existing is null) attachment.Rooms = roomIds.Select(r => new ClientRoom { Id = r, Wake = "never" }).ToList();
            if (parse.GetValue(dms) || existing is null) attachment.Dms = new ClientDms { Enabled = parse.GetValue(dms) || existing?.Dms?.Enabled == true };
            if (existing is null) cfg.Attachments.Add(attachment);
            cfg.Agent ??= new ClientAgent { Name = attachment.AgentName, Runtime = kind };
            ClientConfigFile.Validate(cfg, path);

            var configDir = ClientOptions.ConfigDirectory(Path.GetFullPath(path));
            var bearer = ResolveOptional(auth, configDir);
            JsonNode? registered = null;
            if (reg == "open")
            {
                using var http = new MoltnetHttp(url, bearer);
                registered = await http.PostAsync("/v1/agents/register",
                    new JsonObject { ["requested_agent_id"] = member, ["name"] = attachment.AgentName }, ct);
                if ((string?)registered?["agent_token"] is { Length: > 0 } minted)
                {
                    bearer = minted;
                    if (!string.IsNullOrEmpty(auth.TokenPath))
                        PrivateFiles.Write(Path.IsPathRooted(auth.TokenPath) ? auth.TokenPath : Path.Combine(configDir!, auth.TokenPath), minted + "\n");
                    else if (string.IsNullOrEmpty(auth.TokenEnv))
                    {
                        auth.Token = minted;
                        if (auth.Mode == "none") auth.Mode = "open";
                    }
                }
            }
            ClientConfigFile.Save(cfg, path);
            if (registered is not null)
                ClientConfigFile.SaveIdentity(RegisterAgentCommand.Identity(registered), Path.Combine(configDir!, "identity.json"));

            IReadOnlyList<string> installed = [];
            if (parse.GetValue(skill))
            {
                installed = BundledSkill.Install(kind, ws, await ServerSkillAsync(url, bearer, ct) ?? BundledSkill.Text);
                if (!parse.GetValue(json)) io.Out.WriteLine("installed skill " + string.Join(", ", installed));
            }
            if (parse.GetValue(json))
                io.Json(new JsonObject
                {
                    ["config"] = path,
                    ["skill"] = new JsonArray(installed.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()),
                    ["registered"] = registered is null ? null : RegisterAgentCommand.WithoutToken(registered),
                }, true);
            else io.Out.WriteLine($"wrote Moltnet client config {path}");
            return 0;
        });
        return command;
    }

    private static string? ResolveOptional(ClientAuth auth, string? dir)
    {
        try
        {
            return Tokens.Resolve(auth.Token, auth.TokenEnv, auth.TokenPath, dir);
        }
        catch (CliException) when (auth.Mode == "open")
        {
            return null; // open mode: the token file may not exist before the first claim
        }
    }

    /// <summary>The server's access-aware skill (2 s, ≤256 KiB, must contain <c>name: moltnet</c>), else null.</summary>
    private static async Task<string?> ServerSkillAsync(string baseUrl, string? token, CancellationToken ct)
    {
        try
        {
            using var http = new MoltnetHttp(baseUrl, token, TimeSpan.FromSeconds(2));
            var text = await http.SendTextAsync(HttpMethod.Get, "/skill.md", null, ct);
            return text.Length <= 256 * 1024 && text.Contains("name: moltnet", StringComparison.Ordinal) ? text : null;
        }
        catch (CliException)
        {
            return null;
        }
    }
}
