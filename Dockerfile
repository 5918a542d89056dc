# Build and publish the node with the SDK, run it on the ASP.NET Core runtime image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The host's build runs npm ci for the web client's browser libraries.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /repo
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY sql/ sql/
COPY src/ src/
RUN dotnet publish src/OrleansDelivery.Host/OrleansDelivery.Host.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl for the compose health checks (GET /health/ready).
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# appsettings.json listens on localhost only; inside a container listen on every interface.
ENV Urls=http://+:8080
# HTTP, Orleans silo-to-silo, Orleans gateway (clients).
EXPOSE 8080 11111 30000
USER $APP_UID
ENTRYPOINT ["dotnet", "OrleansDelivery.Host.dll"]
