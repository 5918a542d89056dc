using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace OrleansDelivery.Host.Cluster;

/// <summary>
/// The <c>Cluster</c> section of the configuration, read and checked before anything starts: a missing or invalid
/// setting stops start-up with an <see cref="InvalidOperationException"/> that names it.
/// </summary>
public sealed partial record ClusterSettings(
    ClusterMode Mode,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    IPAddress? AdvertisedAddress,
    string? PostgresConnectionString,
    bool MigrateOnStartup,
    MembershipSettings Membership)
{
    /// <summary>Whether this node co-hosts a silo or is a front-end client of the silos (<c>Cluster:Role</c>).</summary>
    public ClusterRole Role { get; init; } = ClusterRole.Silo;

    /// <summary>
    /// How long a stopping node may take (<c>Cluster:ShutdownTimeout</c>): a silo hands its grains over and
    /// projections write their state as they deactivate, which must not be cut off half-way.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(60);

    public const string SectionName = "Cluster";
    public const string PostgresConnectionStringName = "ConnectionStrings:Postgres";

    public static ClusterSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var mode = ReadEnum(section, "Mode", ClusterMode.Localhost);
        var role = ReadEnum(section, "Role", ClusterRole.Silo);
        if (role == ClusterRole.Frontend && mode != ClusterMode.Postgres)
        {
            // A front-end finds the silos' gateways in the membership table; in memory there is none to read.
            throw new InvalidOperationException(
                $"Configuration setting '{SectionName}:Role' is Frontend, which needs '{SectionName}:Mode' Postgres (it is {mode}): a front-end node finds the silos through the PostgreSQL membership table.");
        }

        var siloPort = ReadInt(section, "SiloPort", 11111, 1, 65535);
        var gatewayPort = ReadInt(section, "GatewayPort", 30000, 1, 65535);
        if (siloPort == gatewayPort)
        {
            throw Invalid(section, "GatewayPort", gatewayPort.ToString(CultureInfo.InvariantCulture), $"it must differ from {SectionName}:SiloPort");
        }

        string? connectionString = null;
        if (mode == ClusterMode.Postgres)
        {
            // appsettings.json carries the key empty, so empty counts as missing.
            connectionString = configuration[PostgresConnectionStringName];
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"Configuration setting '{PostgresConnectionStringName}' is required when '{SectionName}:Mode' is Postgres.");
            }
        }

        return new ClusterSettings(
            mode,
            ReadName(section, "ClusterId"),
            ReadName(section, "ServiceId"),
            siloPort,
            gatewayPort,
            ReadAddress(section, "AdvertisedAddress"),
            connectionString,
            ReadBool(section, "MigrateOnStartup", defaultValue: true),
            MembershipSettings.FromConfiguration(section.GetSection("Membership")))
        {
            Role = role,
            ShutdownTimeout = ReadDuration(section, "ShutdownTimeout", DefaultShutdownTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
        };
    }

    private static T ReadEnum<T>(IConfigurationSection section, string key, T defaultValue)
        where T : struct, Enum
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaultValue;
        }

        // Enum.TryParse also accepts numbers; only the names are meant.
        if (char.IsAsciiDigit(value.Trim()[0]) || value.Contains('-', StringComparison.Ordinal)
            || !Enum.TryParse<T>(value, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            throw Invalid(section, key, value, $"use one of {string.Join(", ", Enum.GetNames<T>())}");
        }

        return parsed;
    }

    private static string ReadName(IConfigurationSection section, string key)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return "orleans-delivery";
        }

        // These names end up in table rows and log lines; keep them plain.
        return PlainName().IsMatch(value)
            ? value
            : throw Invalid(section, key, value, "use 1 to 100 letters, digits, '.', '_' or '-'");
    }

    internal static int ReadInt(IConfigurationSection section, string key, int defaultValue, int min, int max)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaultValue;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw Invalid(section, key, value, $"use a whole number from {min} to {max}");
    }

    internal static TimeSpan ReadDuration(IConfigurationSection section, string key, TimeSpan defaultValue, TimeSpan min, TimeSpan max)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaultValue;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration) && duration >= min && duration <= max
            ? duration
            : throw Invalid(section, key, value, $"use a duration such as 00:00:02, from {min:c} to {max:c}");
    }

    private static IPAddress? ReadAddress(IConfigurationSection section, string key)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return IPAddress.TryParse(value, out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
            ? address
            : throw Invalid(section, key, value, "use the IP address other silos reach this one on, such as 10.0.0.5");
    }

    internal static bool ReadBool(IConfigurationSection section, string key, bool defaultValue)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaultValue;
        }

        return bool.TryParse(value, out var flag) ? flag : throw Invalid(section, key, value, "use true or false");
    }

    internal static InvalidOperationException Invalid(IConfigurationSection section, string key, string value, string hint) =>
        new($"Configuration setting '{section.Path}:{key}' has the invalid value '{value}': {hint}.");

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex PlainName();
}
