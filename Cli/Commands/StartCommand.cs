using System.CommandLine;
using System.Net.Sockets;
using Moltnet.Configuration;
using Moltnet.Silo.Configuration;
using Moltnet.Silo.Hosting;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet start</c> (also <c>server</c>, and the default): runs the server in the foreground until SIGINT/SIGTERM.</summary>
public static class StartCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Server config file (default: $MOLTNET_CONFIG, then ./Moltnet, moltnet.yaml, moltnet.yml, moltnet.json)" };
        var command = new Command("start", "Run the Moltnet server in the foreground") { config };
        command.Aliases.Add("server");
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config), ct));
        return command;
    }

    public static async Task<int> RunAsync(string? configPath, CancellationToken ct)
    {
        MoltnetConfig config;
        try
        {
            config = ConfigLoader.Load(configPath, Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable);
        }
        catch (ConfigException e)
        {
            CliHost.Error(Console.Error, string.Join('\n', e.Errors));
            return 1;
        }
        var baseDirectory = config.SourcePath is { } path ? Path.GetDirectoryName(Path.GetFullPath(path))! : Directory.GetCurrentDirectory();
        try
        {
            return await MoltnetServer.RunAsync(config, baseDirectory, ct);
        }
        catch (NotSupportedException e)
        {
            CliHost.Error(Console.Error, e.Message);
            return 1;
        }
        catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            CliHost.Error(Console.Error, $"cannot listen on {config.Server.ListenAddr}: {e.Message}");
            return 1;
        }
    }
}
