namespace Moltnet.Cli.Client;

/// <summary>Progress lines for long operations, on stderr and only when stderr is a terminal (scripts see nothing).</summary>
public sealed class Progress(TextWriter stderr)
{
    public bool Enabled { get; } = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("MOLTNET_NO_PROGRESS") is null;

    /// <summary>Rewrites the current status line (<c>\r</c> + clear) with <paramref name="text"/>.</summary>
    public void Status(string text)
    {
        if (Enabled) stderr.Write($"\r\u001b[2K{text}");
    }

    /// <summary>A <c>[n/total] text</c> step line.</summary>
    public void Step(int n, int total, string text) => Status($"[{n}/{total}] {text}");

    public void Done()
    {
        if (Enabled) stderr.Write("\r\u001b[2K");
    }
}
