namespace Moltnet.Faults.Tests.Support;

/// <summary>
/// CI mode (default) keeps the whole project within a few minutes on two cores; <c>MOLTNET_FAULTS_LONG=1</c> runs the
/// long mode by hand: bigger counts and a longer soak (<c>MOLTNET_FAULTS_SOAK_SECONDS</c>, default 600).
/// </summary>
public static class FaultMode
{
    public static bool Long { get; } = Environment.GetEnvironmentVariable("MOLTNET_FAULTS_LONG") == "1";

    /// <summary>The CI figure, or the long one under <c>MOLTNET_FAULTS_LONG=1</c>.</summary>
    public static int Pick(int ci, int @long) => Long ? @long : ci;

    public static TimeSpan SoakDuration { get; } = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("MOLTNET_FAULTS_SOAK_SECONDS"), out var s) && s > 0 ? s : Long ? 600 : 60);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
