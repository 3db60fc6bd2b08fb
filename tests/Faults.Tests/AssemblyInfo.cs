// Each class starts its own server processes; running them one after another keeps latency and memory
// measurements meaningful on a small (2-core) machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
