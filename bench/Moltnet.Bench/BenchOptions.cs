using System.Globalization;

namespace Moltnet.Bench;

/// <summary>The command line: one scenario (or <c>all</c>) and its knobs. Unset per-scenario knobs take that scenario's default.</summary>
internal sealed record BenchOptions
{
    public static string Usage => $"""
        usage: moltnet-bench <{string.Join('|', Scenarios.Names)}> [options]

        {string.Join("\n", Scenarios.All.Select(s => $"  {s.Name,-12} {s.Summary}"))}
          suite        every scenario above marked for the suite ({string.Join(", ", Scenarios.All.Where(s => s.InSuite).Select(s => s.Name))})

        Every run writes bench/results/latest.md (and its charts).

        options:
          --duration S          measured seconds per scenario (default 10)
          --warmup S            unmeasured seconds of the same load before measuring (default 5: the server's JIT
                                is still tiering up for the first seconds; cluster: 20, three replicas tier up on a
                                third of the CPU each)
          --writers N           ingest, peers-ingest: concurrent writers / publishes in flight (default 64); cluster:
                                the first level of its sweep
          --observers K         SSE observers (ingest default 0, latency default 100)
          --rate R              latency: messages per second, paced open-loop (default 1000)
          --connections N       latency: HTTP connections for the sender (default 64)
          --payload B           text bytes per message (default 64)
          --rooms N             spread messages over N rooms (default 1, the issue's setup; more shows per-room limits)
          --storage KIND        sqlite (default) or memory, for a server the bench starts
          --server-log-level L  Logging:LogLevel:Default for a started server (default: the server's own, Information)
          --server-dll PATH     moltnet.dll to start (default: Cli/bin/Release/net10.0/moltnet.dll, built if missing)
          --url URL             use an already running server on loopback instead of starting one
          --results DIR         where latest.md and raw/ go (default: bench/results of this repository)
          --systems A,B         peers, peers-ingest, idle: which systems, in order (default {string.Join(',', PeersScenario.Systems)})
          --p99-bound MS        peers: the p99 a rate must stay within to count as held (default 50)
          --max-rate R          peers: top of the rate ladder (default 64000)
          --step-seconds S      peers: measured seconds per rate step (default 3, after 1 s of warm-up)
          --storm-rate R        storm: messages per second during the storm (default 500; --observers default 1000)
          --idle-steps A,B      idle: connection counts to read memory at (default 1000,5000,10000)
        """;

    public string Scenario { get; init; } = "";
    public int Duration { get; init; } = 10;
    public int Warmup { get; init; } = 5;
    public bool WarmupSet { get; init; }
    public int Writers { get; init; } = 64;
    public int? Observers { get; init; }
    public int Rate { get; init; } = 1000;
    public bool RateSet { get; init; }
    public int Connections { get; init; } = 64;
    public int Payload { get; init; } = 64;
    public int Rooms { get; init; } = 1;
    public string Storage { get; init; } = "sqlite";
    public string? ServerDll { get; init; }
    public string? ServerLogLevel { get; init; }
    public string? Url { get; init; }
    public string? ResultsDir { get; init; }
    public IReadOnlyList<string> PeerSystems { get; init; } = PeersScenario.Systems;
    public double P99Bound { get; init; } = 50;
    public int MaxRate { get; init; } = 64000;
    public int StepSeconds { get; init; } = 3;
    public int StormRate { get; init; } = 500;
    public IReadOnlyList<int> IdleSteps { get; init; } = [1000, 5000, 10000];

    /// <summary>"4 rooms, " when more than the one bench room is used, else empty.</summary>
    public string RoomsText => Rooms == 1 ? "" : $"{Rooms} rooms, ";

    /// <summary>The store of a server the bench starts, or the external server's URL (whose store it cannot know).</summary>
    public string ServerKind => Url is null ? Storage : $"external server {Url}";

    /// <summary>How a started server differs from its defaults, for the parameters column.</summary>
    public string ServerText => ServerLogLevel is null || Url is not null ? "" : $", server log level {ServerLogLevel}";

    /// <summary>True when the run has the issue's setup (a started SQLite server on its default settings, one room), so its targets apply.</summary>
    public bool IssueSetup => Url is null && Storage == "sqlite" && Rooms == 1 && ServerLogLevel is null;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a readable message on bad input.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || !Scenarios.Names.Contains(args[0])) throw new ArgumentException("missing or unknown scenario");
        var o = new BenchOptions { Scenario = args[0] };
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value");
            var value = args[++i];
            o = name switch
            {
                "--duration" => o with { Duration = Positive(name, value) },
                "--warmup" => o with { Warmup = NonNegative(name, value), WarmupSet = true },
                "--writers" => o with { Writers = Positive(name, value) },
                "--observers" => o with { Observers = NonNegative(name, value) },
                "--rate" => o with { Rate = Positive(name, value), RateSet = true },
                "--connections" => o with { Connections = Positive(name, value) },
                "--payload" => o with { Payload = Positive(name, value) },
                "--rooms" => o with { Rooms = Positive(name, value) },
                "--storage" => o with { Storage = OneOf(name, value, "sqlite", "memory") },
                "--server-dll" => o with { ServerDll = value },
                "--server-log-level" => o with { ServerLogLevel = OneOf(name, value, "Trace", "Debug", "Information", "Warning", "Error", "Critical", "None") },
                "--url" => o with { Url = Loopback(value) },
                "--results" => o with { ResultsDir = value },
                "--systems" => o with { PeerSystems = Systems(value) },
                "--p99-bound" => o with { P99Bound = Positive(name, value) },
                "--max-rate" => o with { MaxRate = Positive(name, value) },
                "--step-seconds" => o with { StepSeconds = Positive(name, value) },
                "--storm-rate" => o with { StormRate = Positive(name, value) },
                "--idle-steps" => o with { IdleSteps = value.Split(',').Select(v => Positive(name, v.Trim())).Order().ToArray() },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return o;
    }

    private static string[] Systems(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !PeersScenario.Systems.Contains(n)).ToList();
        if (names.Length == 0 || unknown.Count > 0)
            throw new ArgumentException($"--systems takes a comma-separated list of {string.Join(", ", PeersScenario.Systems)} (unknown: {string.Join(", ", unknown)})");
        return names;
    }

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"{name} must be a whole number (got \"{value}\")");

    private static int Positive(string name, string value) =>
        NonNegative(name, value) is var n and > 0 ? n : throw new ArgumentException($"{name} must be at least 1");

    private static string OneOf(string name, string value, params string[] allowed) =>
        allowed.Contains(value) ? value : throw new ArgumentException($"{name} must be one of {string.Join(", ", allowed)}");

    /// <summary>The bench targets loopback only: it must never load a shared or remote server.</summary>
    private static string Loopback(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"--url must be an http:// URL (got \"{value}\")");
        if (!uri.IsLoopback) throw new ArgumentException($"--url must point at loopback (got \"{uri.Host}\")");
        return uri.GetLeftPart(UriPartial.Authority);
    }
}
