using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Moltnet.Cli.Client;

/// <summary>Prints JSON results: 2-space indented, or one compact line with <c>--json</c>.</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 2, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter stdout, JsonNode? node, bool compact) =>
        stdout.WriteLine(node?.ToJsonString(compact ? Compact : Indented) ?? "null");

    public static string ToText(JsonNode? node) => node?.ToJsonString(Compact) ?? "null";
}
