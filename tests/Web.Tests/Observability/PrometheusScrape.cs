using System.Globalization;
using System.Text;

namespace Moltnet.Web.Tests.Observability;

/// <summary>One sample line of a Prometheus text exposition.</summary>
internal sealed record PromSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A strict little parser for Prometheus text format 0.0.4, enough to assert on what <c>/metrics</c> serves.</summary>
internal sealed class PrometheusScrape
{
    public Dictionary<string, string> Help { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);
    public List<PromSample> Samples { get; } = [];

    public static PrometheusScrape Parse(string text)
    {
        var scrape = new PrometheusScrape();
        Assert.EndsWith("\n", text);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                Assert.True(scrape.Help.TryAdd(rest[..space], rest[(space + 1)..]), $"duplicate HELP: {line}");
            }
            else if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal(4, parts.Length);
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram" });
                Assert.True(scrape.Types.TryAdd(parts[2], parts[3]), $"duplicate TYPE: {line}");
            }
            else
            {
                Assert.False(line.StartsWith('#'), line);
                scrape.Samples.Add(ParseSample(line));
            }
        }
        return scrape;
    }

    /// <summary>The family a sample belongs to (histogram samples carry a suffix).</summary>
    public string FamilyOf(PromSample s)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (s.Name.EndsWith(suffix, StringComparison.Ordinal) && Types.GetValueOrDefault(s.Name[..^suffix.Length]) == "histogram")
                return s.Name[..^suffix.Length];
        }
        return s.Name;
    }

    /// <summary>The value of the one sample with exactly these labels.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var matches = Find(name, labels).ToList();
        Assert.True(matches.Count == 1, $"expected one {name}{{{string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}, found {matches.Count} among:\n{string.Join("\n", Samples.Where(x => x.Name == name).Select(x => string.Join(",", x.Labels.Select(l => $"{l.Key}={l.Value}")) + " " + x.Value))}");
        return matches[0].Value;
    }

    public IEnumerable<PromSample> Find(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value));

    private static PromSample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        var name = line[..i];
        Assert.Matches("^[a-zA-Z_:][a-zA-Z0-9_:]*$", name);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var key = line[i..eq];
                Assert.Matches("^[a-zA-Z_][a-zA-Z0-9_]*$", key);
                Assert.Equal('"', line[eq + 1]);
                var value = new StringBuilder();
                i = eq + 2;
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch { 'n' => '\n', var c => c });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                    i++;
                }
                Assert.True(labels.TryAdd(key, value.ToString()), $"duplicate label {key}: {line}");
                i++;
                if (line[i] == ',') i++;
            }
            i++;
        }
        Assert.Equal(' ', line[i]);
        var text = line[(i + 1)..];
        var number = text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PromSample(name, labels, number);
    }
}
