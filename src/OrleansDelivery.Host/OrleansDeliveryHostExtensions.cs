using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansDelivery.Grains.Catalog;
using OrleansDelivery.Host.Board;
using OrleansDelivery.Host.Cart;
using OrleansDelivery.Host.Catalog;
using OrleansDelivery.Host.Cluster;
using OrleansDelivery.Host.Favorites;
using OrleansDelivery.Host.Health;
using OrleansDelivery.Host.Hosting;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Host.Notifications;
using OrleansDelivery.Host.Operations;
using OrleansDelivery.Host.Orders;
using OrleansDelivery.Host.Payments;
using OrleansDelivery.Host.Problems;
using OrleansDelivery.Host.Ratings;
using OrleansDelivery.Host.Recommendations;
using OrleansDelivery.Host.Selling;
using OrleansDelivery.Host.Staff;
using OrleansDelivery.Host.Statistics;
using OrleansDelivery.Host.Tracking;
using OrleansDelivery.Host.WebClient;
using OrleansDelivery.Identity;
using Scalar.AspNetCore;

namespace OrleansDelivery.Host;

/// <summary>What <c>Program.cs</c> calls: the services of a node, then its endpoints.</summary>
public static class OrleansDeliveryHostExtensions
{
    public static WebApplicationBuilder AddOrleansDelivery(this WebApplicationBuilder builder)
    {
        var settings = ClusterSettings.FromConfiguration(builder.Configuration);
        builder.AddOrleansDeliveryCluster(settings);
        builder.AddOrleansDeliveryEmail();
        builder.AddOrleansDeliveryOperations(settings);
        builder.Services.AddSingleton<HostClock>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddAuthentication(SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, policy => policy.RequireRole(nameof(CustomerRole.Staff), nameof(CustomerRole.Admin)))
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(nameof(CustomerRole.Admin)));
        if (FirstAdminOptions.FromConfiguration(builder.Configuration) is { } firstAdmin)
        {
            builder.Services.AddSingleton(firstAdmin);
            builder.Services.AddHostedService<FirstAdminSeeder>();
        }

        builder.Services.AddSingleton<IPasswordHasher<object>, PasswordHasher<object>>();
        builder.Services.Configure<SessionLifetimeOptions>(builder.Configuration.GetSection("Auth"));
        builder.Services.AddKitchenSimulator(builder.Configuration, builder.Environment);
        builder.Services.AddSignalR().AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddOptions<TrackingOptions>()
            .Bind(builder.Configuration.GetSection(TrackingOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<StockOptions>()
            .Bind(builder.Configuration.GetSection(StockOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<OrderStreamRelay>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OrderStreamRelay>());
        builder.Services.AddSingleton<NotificationRelay>();
        builder.Services.AddHostedService(services => services.GetRequiredService<NotificationRelay>());
        builder.Services.AddExceptionHandler<UnavailableExceptionHandler>();
        builder.Services.AddPayments(builder.Configuration);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures throw in every environment, so BadRequestExceptionHandler answers them alike.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        // The demo catalogue makes the embedded mode usable at once; a real cluster starts with its own catalogue.
        if (builder.Configuration.GetValue<bool?>("Catalog:SeedDemo") ?? settings.Mode == ClusterMode.Localhost)
        {
            builder.Services.AddHostedService<DemoCatalogSeeder>();
        }

        return builder;
    }

    public static WebApplication MapOrleansDelivery(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseFreezeGuard();
        app.UseRequestLimits();
        app.UseStatusCodePages();
        app.UseWebClient();
        // The API description (/openapi/v1.json) and an interactive page to try it (/scalar).
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealth();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOperations();
        app.MapCatalog();
        app.MapAuth();
        app.MapMe();
        app.MapStaffAccounts();
        app.MapStaffCatalog();
        app.MapOrderBoard();
        app.MapHub<OrderTrackingHub>(OrderTrackingHub.Path);
        app.MapCart();
        app.MapOrders();
        app.MapPayments();
        app.MapRatings();
        app.MapFavorites();
        app.MapStatistics();
        app.MapRecommendations();
        app.MapNotifications();
        app.MapSelling();
        if (app.Environment.IsDevelopment() || app.Environment.IsEnvironment("Testing"))
        {
            app.MapDevMailbox();
        }
        app.MapWebClient();
        app.LogListeningAddressesOnStart();
        return app;
    }
}
