using System.Collections.Concurrent;
using System.Reflection;

namespace Moltnet.Grains.Runtime;

/// <summary>
/// How calls to one grain interface method are dispatched: cached per <see cref="MethodInfo"/>, generic over the
/// method's result type so Task&lt;T&gt; and ValueTask&lt;T&gt; results need no reflection per call.
/// </summary>
internal abstract class GrainMethod
{
    private static readonly ConcurrentDictionary<MethodInfo, GrainMethod> Cache = new();

    internal enum ReturnKind
    {
        Task,
        TaskOfT,
        ValueTask,
        ValueTaskOfT,
    }

    private readonly int _cancellationTokenIndex;

    private protected GrainMethod(MethodInfo method)
    {
        Method = method;
        Invoker = MethodInvoker.Create(method);
        _cancellationTokenIndex = Array.FindIndex(method.GetParameters(), p => p.ParameterType == typeof(CancellationToken));
    }

    public MethodInfo Method { get; }

    /// <summary>Calls the method on the grain instance (virtual dispatch; exceptions are not wrapped).</summary>
    private protected MethodInvoker Invoker { get; }

    public static GrainMethod For(MethodInfo method) => Cache.GetOrAdd(method, Create);

    public static bool IsSupportedReturnType(Type type) =>
        type == typeof(Task) || type == typeof(ValueTask) ||
        (type.IsGenericType && type.GetGenericTypeDefinition() is var definition &&
         (definition == typeof(Task<>) || definition == typeof(ValueTask<>)));

    /// <summary>The first CancellationToken argument of a call, if the method takes one.</summary>
    public CancellationToken GetCancellationToken(object?[] args) =>
        _cancellationTokenIndex >= 0 && args[_cancellationTokenIndex] is CancellationToken token ? token : default;

    /// <summary>Queues the call on the grain's activation and returns the awaitable the interface method declares.</summary>
    public abstract object Dispatch(GrainRuntime runtime, GrainRegistration registration, string key, object?[] args);

    private static GrainMethod Create(MethodInfo method)
    {
        var type = method.ReturnType;
        if (type == typeof(Task))
        {
            return new GrainMethod<object?>(method, ReturnKind.Task);
        }

        if (type == typeof(ValueTask))
        {
            return new GrainMethod<object?>(method, ReturnKind.ValueTask);
        }

        if (!IsSupportedReturnType(type))
        {
            throw new NotSupportedException($"Grain method {method.DeclaringType?.Name}.{method.Name} returns {type.Name}.");
        }

        var kind = type.GetGenericTypeDefinition() == typeof(Task<>) ? ReturnKind.TaskOfT : ReturnKind.ValueTaskOfT;
        var closed = typeof(GrainMethod<>).MakeGenericType(type.GetGenericArguments()[0]);
        return (GrainMethod)Activator.CreateInstance(closed, BindingFlags.Instance | BindingFlags.NonPublic, null, [method, kind], null)!;
    }
}

/// <summary>A grain method whose awaited result is <typeparamref name="T"/> (object? for Task and ValueTask).</summary>
internal sealed class GrainMethod<T> : GrainMethod
{
    private readonly ReturnKind _kind;

    internal GrainMethod(MethodInfo method, ReturnKind kind)
        : base(method) => _kind = kind;

    public override object Dispatch(GrainRuntime runtime, GrainRegistration registration, string key, object?[] args)
    {
        var task = runtime.InvokeAsync(registration, key, this, args);
        return _kind switch
        {
            ReturnKind.ValueTask => new ValueTask(task),
            ReturnKind.ValueTaskOfT => new ValueTask<T>(task),
            _ => task,
        };
    }

    /// <summary>Runs the call on the activation's instance, inside its turn, and awaits the method's result.</summary>
    public async Task<T> InvokeAsync(Grain grain, object?[] args)
    {
        var returned = Invoker.Invoke(grain, args.AsSpan())
            ?? throw new InvalidOperationException($"Grain method {Method.DeclaringType?.Name}.{Method.Name} returned null instead of a task.");
        switch (_kind)
        {
            case ReturnKind.Task:
                await (Task)returned;
                return default!;
            case ReturnKind.ValueTask:
                await (ValueTask)returned;
                return default!;
            case ReturnKind.TaskOfT:
                return await (Task<T>)returned;
            default:
                return await (ValueTask<T>)returned;
        }
    }
}
