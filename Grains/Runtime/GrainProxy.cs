using System.Reflection;

namespace Moltnet.Grains.Runtime;

/// <summary>
/// The grain reference handed out by <see cref="GrainRuntime.GetGrain{TGrain}"/>: a generated implementation of the
/// grain interface that forwards every call to the grain's activation. Not sealed because DispatchProxy derives from it.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy.Create requires a non-sealed proxy type.
internal class GrainProxy : DispatchProxy
#pragma warning restore CA1852
{
    private GrainRuntime? _runtime;
    private GrainRegistration? _registration;
    private string _key = "";

    internal void Bind(GrainRuntime runtime, GrainRegistration registration, string key)
    {
        _runtime = runtime;
        _registration = registration;
        _key = key;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (_runtime is null || _registration is null)
        {
            throw new InvalidOperationException("The grain reference is not bound to a runtime.");
        }

        return GrainMethod.For(targetMethod).Dispatch(_runtime, _registration, _key, args ?? []);
    }

    public override string ToString() => $"{_registration}/{_key}";
}
