using System.CommandLine;
using System.Text.Json.Nodes;
using Moltnet.Cli.Client;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet register-agent</c>: POST <c>/v1/agents/register</c>; a new token goes back into the client config
/// (or, without one, a stderr warning says it was not stored); writes <c>.moltnet/identity.json</c>.</summary>
public static class RegisterAgentCommand
{
    public static Command Create()
    {
        var agent = new Option<string?>("--agent") { Description = "Requested agent id (default: the config's member id)" };
        var name = new Option<string?>("--name") { Description = "Display name" };
        var workspace = new Option<string>("--workspace") { Description = "Where .moltnet/identity.json is written", DefaultValueFactory = _ => "." };
        var writeIdentity = new Option<bool>("--write-identity") { Description = "Write .moltnet/identity.json (default true)", DefaultValueFactory = _ => true };
        var command = new Command("register-agent", "Register (or claim) an agent id on the server.") { agent, name, workspace, writeIdentity };
        var client = new ClientOptions();
        command.Options.Add(client.Config);
        command.Options.Add(client.Network);
        command.Options.Add(client.BaseUrl);
        client.AuthMode.AcceptOnlyFromAmong("none", "bearer", "open");
        command.Options.Add(client.AuthMode);
        command.Options.Add(client.Token);
        command.Options.Add(client.TokenEnv);
        command.Options.Add(client.TokenPath);
        command.Options.Add(client.Json);
        command.SetClientAction(async (parse, io, ct) =>
        {
            var baseUrl = parse.GetValue(client.BaseUrl);
            var explicitConfig = parse.GetValue(client.Config);
            ClientConfig? config = null;
            ClientAttachment? attachment = null;
            string? configPath = null;
            if (!string.IsNullOrEmpty(explicitConfig) || string.IsNullOrEmpty(baseUrl))
            {
                configPath = ClientConfigFile.Discover(explicitConfig)
                    ?? throw new CliException("register-agent requires --base-url or a client config (--config)");
                config = ClientConfigFile.Load(configPath);
                var network = parse.GetValue(client.Network);
                var wanted = parse.GetValue(agent);
                attachment = config.Attachments.FirstOrDefault(a => (string.IsNullOrEmpty(network) || a.NetworkId == network) && (string.IsNullOrEmpty(wanted) || a.MemberId == wanted))
                    ?? ClientConfigFile.Select(config, network, null);
            }
            var url = string.IsNullOrEmpty(baseUrl) ? attachment!.BaseUrl : baseUrl;
            var id = parse.GetValue(agent) ?? attachment?.MemberId;
            var display = parse.GetValue(name) ?? attachment?.AgentName;
            var (t, te, tp) = (parse.GetValue(client.Token), parse.GetValue(client.TokenEnv), parse.GetValue(client.TokenPath));
            var flagged = !string.IsNullOrEmpty(t) || !string.IsNullOrEmpty(te) || !string.IsNullOrEmpty(tp);
            var dir = ClientOptions.ConfigDirectory(configPath);
            var token = flagged ? Tokens.Resolve(t, te, tp, null)
                : attachment?.Auth is { HasSource: true } a2 ? TryResolve(a2, dir) : null;
            if (token is null && attachment?.Auth?.Mode == "open" && attachment.MemberId != id)
                throw new CliException($"no writable attachment for agent \"{id}\" in {configPath}");
            var body = new JsonObject();
            if (!string.IsNullOrEmpty(id)) body["requested_agent_id"] = id;
            if (!string.IsNullOrEmpty(display)) body["name"] = display;
            using var http = new MoltnetHttp(url, token);
            var registered = await http.PostAsync("/v1/agents/register", body, ct) ?? new JsonObject();
            if ((string?)registered["agent_token"] is { Length: > 0 } minted)
            {
                if (attachment is not null && config is not null && configPath is not null)
                {
                    attachment.Auth ??= new ClientAuth();
                    if (!string.IsNullOrEmpty(attachment.Auth.TokenPath) && !flagged)
                        PrivateFiles.Write(Path.IsPathRooted(attachment.Auth.TokenPath) ? attachment.Auth.TokenPath : Path.Combine(dir!, attachment.Auth.TokenPath), minted + "\n");
                    else
                    {
                        attachment.Auth.Token = minted;
                        attachment.Auth.TokenEnv = attachment.Auth.TokenPath = null;
                        if (attachment.Auth.Mode is null or "none") attachment.Auth.Mode = "open";
                    }
                    ClientConfigFile.Save(config, configPath);
                }
                else CliHost.Error(io.Error, "warning: the new agent token was not stored anywhere (no client config); keep it now, it is shown only once");
            }
            if (parse.GetValue(writeIdentity))
                ClientConfigFile.SaveIdentity(Identity(registered), CliHost.JoinPath(parse.GetValue(workspace)!, ".moltnet/identity.json"));
            io.Json(registered, parse.GetValue(client.Json));
            return 0;
        });
        return command;
    }

    private static string? TryResolve(ClientAuth auth, string? dir)
    {
        try
        {
            return Tokens.Resolve(auth.Token, auth.TokenEnv, auth.TokenPath, dir);
        }
        catch (CliException) when (auth.Mode == "open")
        {
            return null;
        }
    }

    public static IdentityFile Identity(JsonNode registered) => new()
    {
        NetworkId = (string?)registered["network_id"] ?? "",
        AgentId = (string?)registered["agent_id"] ?? "",
        ActorUid = (string?)registered["actor_uid"],
        ActorUri = (string?)registered["actor_uri"],
        DisplayName = (string?)registered["display_name"],
    };

    public static JsonNode WithoutToken(JsonNode registered)
    {
        var copy = registered.DeepClone().AsObject();
        copy.Remove("agent_token");
        return copy;
    }
}
