namespace Moltnet.Grains.Runtime;

/// <summary>Marks a grain without mutable state whose calls may interleave (like Orleans' <c>[Reentrant]</c>). Activation still
/// happens once, in turn; each call then runs concurrently with the others.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute;
