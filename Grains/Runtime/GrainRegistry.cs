using System.Diagnostics.CodeAnalysis;
using Moltnet.Runtime;

namespace Moltnet.Grains.Runtime;

/// <summary>One grain implementation type with its stable type name (the storage namespace of its state).</summary>
internal sealed class GrainRegistration(
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type implementationType,
    string grainTypeName)
{
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)]
    public Type ImplementationType { get; } = implementationType;

    public string GrainTypeName { get; } = grainTypeName;

    /// <summary>Calls interleave (the class is marked <see cref="ReentrantAttribute"/>).</summary>
    public bool Reentrant { get; } = implementationType.IsDefined(typeof(ReentrantAttribute), inherit: false);

    public override string ToString() => GrainTypeName;
}

/// <summary>Maps grain interfaces to implementations. Several interfaces implemented by one class share activations.</summary>
internal sealed class GrainRegistry
{
    private readonly Dictionary<Type, GrainRegistration> _byInterface = [];
    private readonly Dictionary<Type, GrainRegistration> _byImplementation = [];
    private readonly Dictionary<string, GrainRegistration> _byName = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Add(
        Type interfaceType,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type implementationType,
        string? grainTypeName)
    {
        ValidateInterface(interfaceType);
        var name = string.IsNullOrWhiteSpace(grainTypeName) ? implementationType.Name : grainTypeName;
        lock (_lock)
        {
            if (_byInterface.TryGetValue(interfaceType, out var existing))
            {
                throw new InvalidOperationException(
                    $"Grain interface {interfaceType.FullName} is already implemented by {existing.ImplementationType.FullName}.");
            }

            if (!_byImplementation.TryGetValue(implementationType, out var registration))
            {
                if (_byName.TryGetValue(name, out var clash))
                {
                    throw new InvalidOperationException(
                        $"Grain type name '{name}' is used by both {clash.ImplementationType.FullName} and {implementationType.FullName}.");
                }

                registration = new GrainRegistration(implementationType, name);
                _byImplementation.Add(implementationType, registration);
                _byName.Add(name, registration);
            }
            else if (grainTypeName is not null && registration.GrainTypeName != grainTypeName)
            {
                throw new InvalidOperationException(
                    $"{implementationType.FullName} is registered with grain type name '{registration.GrainTypeName}', not '{grainTypeName}'.");
            }

            _byInterface.Add(interfaceType, registration);
        }
    }

    public GrainRegistration Get(Type interfaceType)
    {
        lock (_lock)
        {
            if (_byInterface.TryGetValue(interfaceType, out var registration))
            {
                return registration;
            }
        }

        throw new InvalidOperationException(
            $"No grain implementation is registered for {interfaceType.FullName}. Register one with " +
            $"services.AddGrainRuntime(b => b.AddGrain<{interfaceType.Name}, TImplementation>()).");
    }

    /// <summary>Grain interfaces are interfaces whose methods all return Task, Task&lt;T&gt;, ValueTask or
    /// ValueTask&lt;T&gt; and take no ref/out parameters.</summary>
    private static void ValidateInterface(Type interfaceType)
    {
        if (!interfaceType.IsInterface || !typeof(IGrainWithStringKey).IsAssignableFrom(interfaceType))
        {
            throw new InvalidOperationException($"{interfaceType.FullName} is not a grain interface (an interface extending IGrainWithStringKey).");
        }

        foreach (var type in interfaceType.GetInterfaces().Append(interfaceType))
        {
            foreach (var method in type.GetMethods())
            {
                if (!GrainMethod.IsSupportedReturnType(method.ReturnType))
                {
                    throw new InvalidOperationException(
                        $"Grain method {type.Name}.{method.Name} must return Task, Task<T>, ValueTask or ValueTask<T>, not {method.ReturnType.Name}.");
                }

                if (method.GetParameters().Any(p => p.ParameterType.IsByRef))
                {
                    throw new InvalidOperationException($"Grain method {type.Name}.{method.Name} must not take ref, in or out parameters.");
                }
            }
        }
    }
}
