using Moltnet.SseHub;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddSingleton<Hub>();
var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok());
app.MapPost("/v1/messages", (HttpContext context, Hub hub) => hub.PublishAsync(context));
app.MapGet("/v1/events/stream", (HttpContext context, Hub hub) => hub.StreamAsync(context));
app.Run();
