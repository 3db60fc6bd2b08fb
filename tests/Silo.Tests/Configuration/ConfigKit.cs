using Moltnet.Configuration;
using Moltnet.Silo.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.Silo.Tests.Configuration;

/// <summary>Loads a config text from a fresh temp dir with an injected environment.</summary>
internal static class ConfigKit
{
    public static readonly Dictionary<string, string?> NoEnv = [];

    public static MoltnetConfig Load(string? text, IReadOnlyDictionary<string, string?>? env = null, string fileName = "Moltnet")
    {
        using var dir = new TempDirectory();
        if (text is not null) dir.Write(fileName, text);
        return ConfigLoader.Load(null, dir.Path, ConfigLoader.EnvFrom(env ?? NoEnv));
    }

    public static ConfigException Fail(string? text, IReadOnlyDictionary<string, string?>? env = null, string fileName = "Moltnet") =>
        Assert.Throws<ConfigException>(() => Load(text, env, fileName));

    /// <summary>Asserts that one of the errors is exactly <paramref name="expected"/>.</summary>
    public static void HasError(ConfigException ex, string expected) =>
        Assert.True(ex.Errors.Contains(expected), $"expected error:\n  {expected}\ngot:\n  {string.Join("\n  ", ex.Errors)}");

    /// <summary>Asserts that one of the errors starts with <paramref name="prefix"/>.</summary>
    public static void HasErrorStarting(ConfigException ex, string prefix) =>
        Assert.True(ex.Errors.Any(e => e.StartsWith(prefix, StringComparison.Ordinal)),
            $"expected an error starting with:\n  {prefix}\ngot:\n  {string.Join("\n  ", ex.Errors)}");
}
