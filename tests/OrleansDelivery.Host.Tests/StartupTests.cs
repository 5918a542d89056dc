using Microsoft.Extensions.Configuration;
using OrleansDelivery.Host.Cluster;

namespace OrleansDelivery.Host.Tests;

public sealed class StartupTests
{
    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "Cluster:Mode", "Nonsense", "Localhost, Postgres" },
        { "Cluster:Mode", "1", "Localhost, Postgres" },
        { "Cluster:SiloPort", "0", "from 1 to 65535" },
        { "Cluster:SiloPort", "70000", "from 1 to 65535" },
        { "Cluster:GatewayPort", "eleven", "from 1 to 65535" },
        { "Cluster:GatewayPort", "11111", "must differ from Cluster:SiloPort" },
        { "Cluster:ClusterId", "two words", "letters, digits" },
        { "Cluster:ServiceId", "semi;colon", "letters, digits" },
        { "Cluster:AdvertisedAddress", "not-an-ip", "IP address" },
        { "Cluster:AdvertisedAddress", "0.0.0.0", "IP address" },
        { "Cluster:Membership:ProbeTimeout", "soon", "duration" },
        { "Cluster:Membership:ProbeTimeout", "00:00:00", "duration" },
        { "Cluster:Membership:NumMissedProbesLimit", "-1", "whole number" },
        { "Cluster:Membership:NumVotesForDeathDeclaration", "0", "whole number" },
        { "Cluster:Membership:EnableConnectionLivenessCheck", "maybe", "true or false" },
        { "Cluster:Membership:DefunctSiloExpiration", "-1.00:00:00", "duration" },
        { "Cluster:Membership:TableRefreshTimeout", "1.00:00:00", "duration" },
        { "Cluster:Membership:GatewayListRefreshPeriod", "00:00:00.010", "duration" },
        { "Cluster:MigrateOnStartup", "yes", "true or false" },
        { "Cluster:Role", "Worker", "Silo, Frontend" },
        { "Cluster:Role", "0", "Silo, Frontend" },
        { "Cluster:ShutdownTimeout", "forever", "duration" },
        { "Cluster:ShutdownTimeout", "00:00:00", "duration" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void An_invalid_setting_stops_startup_naming_it_and_its_value(string key, string value, string hint)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ClusterSettings.FromConfiguration(Configuration((key, value))));

        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("first_admin", "admin@example.com", "short", "Auth:Admin:Password")]
    [InlineData("first_admin", "not-an-email", "a long enough secret", "Auth:Admin:Email")]
    [InlineData("", "admin@example.com", "a long enough secret", "Auth:Admin:Login")]
    public void A_misconfigured_first_admin_stops_startup_naming_the_key(string login, string email, string password, string key)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Identity.FirstAdminOptions.FromConfiguration(
            Configuration(("Auth:Admin:Login", login), ("Auth:Admin:Email", email), ("Auth:Admin:Password", password))));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_configured_first_admin_none_is_created()
    {
        Assert.Null(Identity.FirstAdminOptions.FromConfiguration(Configuration()));
    }

    [Fact]
    public void Postgres_mode_without_a_connection_string_stops_startup_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ClusterSettings.FromConfiguration(Configuration(("Cluster:Mode", "postgres"), ("ConnectionStrings:Postgres", ""))));

        Assert.Contains("ConnectionStrings:Postgres", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Localhost")]
    [InlineData("")]
    public void A_frontend_outside_postgres_mode_stops_startup_naming_both_settings(string mode)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ClusterSettings.FromConfiguration(Configuration(("Cluster:Role", "Frontend"), ("Cluster:Mode", mode))));

        Assert.Contains("'Cluster:Role'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Cluster:Mode' Postgres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frontend_in_postgres_mode_is_accepted_with_its_role()
    {
        var settings = ClusterSettings.FromConfiguration(Configuration(
            ("Cluster:Role", "frontend"), ("Cluster:Mode", "Postgres"), ("ConnectionStrings:Postgres", "Host=db;Database=od")));

        Assert.Equal(ClusterRole.Frontend, settings.Role);
        Assert.Equal(ClusterMode.Postgres, settings.Mode);
    }

    [Fact]
    public void The_real_host_refuses_to_start_as_a_frontend_in_localhost_mode()
    {
        using var app = DeliveryApplication.With(new Dictionary<string, string?> { ["Cluster:Role"] = "Frontend" });

        var error = Assert.ThrowsAny<Exception>(() => app.Start());

        Assert.Contains("'Cluster:Role' is Frontend, which needs 'Cluster:Mode' Postgres", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_settings_a_node_is_a_localhost_silo_with_failover_in_seconds()
    {
        var settings = ClusterSettings.FromConfiguration(Configuration());

        Assert.Equal(ClusterMode.Localhost, settings.Mode);
        Assert.Equal(ClusterRole.Silo, settings.Role);
        // Long enough for a silo to hand its grains over with their state written.
        Assert.Equal(TimeSpan.FromSeconds(60), settings.ShutdownTimeout);
        Assert.Equal((11111, 30000), (settings.SiloPort, settings.GatewayPort));
        Assert.Equal("orleans-delivery", settings.ClusterId);
        // A dead silo is declared after NumMissedProbesLimit probes of ProbeTimeout each: 6 s, inside the 10 s budget,
        // and no single 2 s pause can miss three probes.
        Assert.Equal(TimeSpan.FromSeconds(2), settings.Membership.ProbeTimeout);
        Assert.Equal(3, settings.Membership.NumMissedProbesLimit);
        Assert.False(settings.Membership.EnableConnectionLivenessCheck);
    }

    [Fact]
    public void The_real_host_refuses_to_start_with_an_invalid_setting()
    {
        using var app = DeliveryApplication.With(new Dictionary<string, string?> { ["Cluster:Mode"] = "Cloud" });

        var error = Assert.ThrowsAny<Exception>(() => app.Start());

        Assert.Contains("'Cluster:Mode' has the invalid value 'Cloud'", Flatten(error), StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    private static string Flatten(Exception exception) =>
        exception is AggregateException aggregate
            ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
            : exception.Message + (exception.InnerException is { } inner ? " | " + Flatten(inner) : "");
}
