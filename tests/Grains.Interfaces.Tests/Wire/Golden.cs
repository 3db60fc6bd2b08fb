using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

/// <summary>Golden-string assertions over <see cref="MoltnetJson"/>.</summary>
internal static class Golden
{
    /// <summary>Serializes <paramref name="value"/> and compares the exact string.</summary>
    public static void Writes<T>(string expected, T value) => Assert.Equal(expected, MoltnetJson.Serialize(value));

    /// <summary>
    /// Exact string, then the golden string read back: structurally equal to <paramref name="value"/> and written again
    /// byte for byte.
    /// </summary>
    public static T RoundTrips<T>(string expected, T value)
    {
        Writes(expected, value);
        var back = Reads<T>(expected);
        Assert.Equivalent(value, back, strict: true);
        Assert.Equal(expected, MoltnetJson.Serialize(back));
        return back;
    }

    public static T Reads<T>(string json)
    {
        var value = MoltnetJson.Deserialize<T>(json);
        Assert.NotNull(value);
        return value;
    }
}
