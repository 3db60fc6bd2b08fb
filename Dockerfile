# syntax=docker/dockerfile:1
# Moltnet server and CLI image: `docker build -t moltnet .`
#   docker run -p 8787:8787 -v moltnet-data:/var/lib/moltnet moltnet              # SQLite in the volume
#   docker run -e MOLTNET_POSTGRES_DSN=... moltnet start --config /etc/moltnet/moltnet.yaml
# The same image runs the node daemon: `moltnet node start`. See docs/deploying.md.

# ---- build: restore first (cached while only sources change), then publish the CLI (it hosts the server) ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Grains.Interfaces/Grains.Interfaces.csproj Grains.Interfaces/
COPY Grains/Grains.csproj Grains/
COPY Web/Web.csproj Web/
COPY Silo/Silo.csproj Silo/
COPY NodeClient/NodeClient.csproj NodeClient/
COPY Cli/Cli.csproj Cli/
RUN dotnet restore Cli/Cli.csproj
COPY . .
RUN dotnet publish Cli/Cli.csproj -c Release --no-restore -o /app -p:UseAppHost=false

# ---- runtime: ASP.NET Core runtime only, non-root (the image's "app" user, uid 1654) ----
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# /var/lib/moltnet: working directory and default data directory (SQLite at .moltnet/moltnet.db when no config
# file names another path). With PostgreSQL nothing is written there.
RUN mkdir -p /var/lib/moltnet && chown "$APP_UID:$APP_UID" /var/lib/moltnet
COPY --from=build /app /app
# The server binds server.listen_addr itself (default ":8787"); clear the base image's ASPNETCORE_HTTP_PORTS=8080.
ENV ASPNETCORE_HTTP_PORTS="" \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
USER $APP_UID
WORKDIR /var/lib/moltnet
VOLUME /var/lib/moltnet
EXPOSE 8787
# No curl in the runtime image: bash's /dev/tcp sends the request. The port follows MOLTNET_LISTEN_ADDR when set.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "p=${MOLTNET_LISTEN_ADDR##*:}; exec 3<>/dev/tcp/127.0.0.1/${p:-8787} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "/app/moltnet.dll"]
CMD ["start"]
