namespace Moltnet.Cli.Client;

/// <summary>A media type guessed from a file extension (<c>application/octet-stream</c> when unknown).</summary>
public static class MediaTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain", [".md"] = "text/markdown", [".csv"] = "text/csv", [".html"] = "text/html", [".htm"] = "text/html",
        [".css"] = "text/css", [".js"] = "text/javascript", [".json"] = "application/json", [".xml"] = "application/xml",
        [".yaml"] = "application/yaml", [".yml"] = "application/yaml", [".pdf"] = "application/pdf", [".zip"] = "application/zip",
        [".gz"] = "application/gzip", [".tar"] = "application/x-tar", [".png"] = "image/png", [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg", [".gif"] = "image/gif", [".webp"] = "image/webp", [".svg"] = "image/svg+xml",
        [".mp3"] = "audio/mpeg", [".wav"] = "audio/wav", [".ogg"] = "audio/ogg", [".mp4"] = "video/mp4", [".webm"] = "video/webm",
        [".py"] = "text/x-python", [".cs"] = "text/x-csharp", [".go"] = "text/x-go", [".sh"] = "application/x-sh",
    };

    public static string Guess(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out var type) ? type : "application/octet-stream";
}
