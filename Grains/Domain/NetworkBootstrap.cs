using Moltnet.Configuration;
using Moltnet.Grains.Storage;
using Moltnet.Runtime;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain;

/// <summary>Start-up work: migrate the store, then create the rooms the config declares.</summary>
public sealed class NetworkBootstrap(IMoltnetStore store, IGrainFactory grains, MoltnetConfig config, Events.EventBroker broker)
{
    public async Task RunAsync(CancellationToken ct)
    {
        await store.MigrateAsync(ct);
        await broker.InitializeAsync(ct);
        // Agents listed under a static token are bound to that token (spec §7 start-up).
        foreach (var token in config.Auth.Tokens)
            foreach (var agent in token.Agents)
                await grains.GetGrain<IAgentGrain>(agent).BindAsync("token:" + token.Id, null, ct);
        foreach (var declared in config.Rooms)
        {
            var request = new CreateRoomRequest
            {
                Id = declared.Id,
                Name = declared.Name,
                Members = declared.Members,
                Visibility = declared.Visibility,
                WritePolicy = declared.WritePolicy,
            };
            // Declared rooms are created when missing; their members are replaced only when the config says so,
            // so membership edits made through the API survive a restart (improvements.md server 11).
            var room = grains.GetGrain<IRoomGrain>(declared.Id);
            if (await room.FindAsync(ct) is null)
            {
                try
                {
                    await room.CreateAsync(request, ct);
                }
                catch (MoltnetException e) when (e.Status == 409)
                {
                    // A soft-removed declared room stays removed until an admin restores it.
                }
            }
            else
            {
                await room.ApplyAsync(request, config.Server.ReapplyDeclaredMembers, ct);
            }
        }
    }
}
