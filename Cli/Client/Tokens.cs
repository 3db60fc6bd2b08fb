namespace Moltnet.Cli.Client;

/// <summary>Resolves a token source: <c>token</c> → <c>token_env</c> → <c>token_path</c>; a configured source that fails is fatal.</summary>
public static class Tokens
{
    public static string? Resolve(string? token, string? tokenEnv, string? tokenPath, string? baseDirectory)
    {
        if (!string.IsNullOrEmpty(token)) return token.Trim();
        if (!string.IsNullOrEmpty(tokenEnv))
        {
            var value = Environment.GetEnvironmentVariable(tokenEnv);
            return string.IsNullOrWhiteSpace(value)
                ? throw new CliException($"token_env {tokenEnv} is not set or empty")
                : value.Trim();
        }
        if (string.IsNullOrEmpty(tokenPath)) return null;
        var path = Path.IsPathRooted(tokenPath) || baseDirectory is null ? tokenPath : Path.Combine(baseDirectory, tokenPath);
        var info = new FileInfo(path);
        if (Directory.Exists(path)) throw new CliException($"token_path {tokenPath} is a directory");
        if (!info.Exists) throw new CliException($"token_path {tokenPath} does not exist");
        if (info.LinkTarget is not null) throw new CliException($"token_path {tokenPath} must not be a symlink");
        if (!OperatingSystem.IsWindows() && ((int)info.UnixFileMode & 0x3F) != 0)
            throw new CliException($"token_path {tokenPath} must not be readable by group or others (chmod 600)");
        var text = File.ReadAllText(path).Trim();
        return text.Length > 0 ? text : throw new CliException($"token_path {tokenPath} is empty");
    }
}
