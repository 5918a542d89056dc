using OrleansDelivery.Runtime.Hosting;
using OrleansDelivery.Runtime.Postgres;

namespace OrleansDelivery.Host.Storage;

/// <summary>Where the silo keeps grain state, reminders and streams.</summary>
public enum StorageProvider
{
    Memory,
    Postgres,
}

/// <summary>The storage chosen by the <c>Storage:Provider</c> setting.</summary>
public sealed record StorageSelection(StorageProvider Provider)
{
    public const string SettingName = "Storage:Provider";

    public static StorageSelection FromConfiguration(IConfiguration configuration)
    {
        var value = configuration[SettingName];
        if (string.IsNullOrWhiteSpace(value))
        {
            return new StorageSelection(StorageProvider.Memory);
        }

        // Enum.TryParse also accepts numbers; only the names are meant.
        if (!Enum.TryParse<StorageProvider>(value, ignoreCase: true, out var provider) || !Enum.IsDefined(provider) || char.IsAsciiDigit(value.Trim()[0]))
        {
            throw new InvalidOperationException(
                $"Configuration setting '{SettingName}' has the unknown value '{value}'. Use one of: {string.Join(", ", Enum.GetNames<StorageProvider>())}.");
        }

        return new StorageSelection(provider);
    }
}

internal static class StorageSiloBuilderExtensions
{
    public static ISiloBuilder UseStorage(this ISiloBuilder silo, StorageSelection storage, IConfiguration configuration) =>
        storage.Provider switch
        {
            StorageProvider.Postgres => silo.UsePostgres(PostgresConnectionString(configuration)),
            _ => silo.UseInMemoryStorage(),
        };

    // appsettings.json carries the key empty, so empty counts as missing.
    private static string PostgresConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Postgres") is { } value && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new InvalidOperationException(
                $"Configuration setting 'ConnectionStrings:Postgres' is required when '{StorageSelection.SettingName}' is Postgres.");
}
