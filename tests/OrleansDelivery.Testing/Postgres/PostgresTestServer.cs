using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansDelivery.Testing.Postgres;

/// <summary>
/// A PostgreSQL server for tests. With <c>ORLEANSDELIVERY_TEST_PG</c> set, tests use that server; otherwise a
/// private throwaway server is started from the installed binaries (initdb into a temporary directory, a free
/// port on 127.0.0.1) and removed when it is disposed or the test process exits. Each test asks for its own
/// database with <see cref="CreateDatabaseAsync"/>, so tests never see each other's rows.
/// </summary>
/// <remarks>
/// Databases are created with psql rather than a driver, so that the test kit does not depend on Npgsql.
/// </remarks>
public sealed class PostgresTestServer : IAsyncDisposable
{
    public const string ConnectionStringVariable = "ORLEANSDELIVERY_TEST_PG";

    private const string DirectoryPrefix = "orleansdelivery-pg-";
    private const string OwnerFileName = "owner.pid";

    private static readonly Lazy<Task<PostgresTestServer>> SharedServer = new(CreateSharedAsync);

    private readonly string? _binDirectory;
    private readonly string? _rootDirectory;
    private readonly bool _runAsPostgres;
    private readonly IReadOnlyDictionary<string, string> _serverSettings = new Dictionary<string, string>();
    private readonly SemaphoreSlim _lifecycleLock = new(1, 1);
    private int _port;
    private bool _running;
    private bool _disposed;

    private PostgresTestServer(string connectionString)
    {
        ConnectionString = connectionString;
    }

    private PostgresTestServer(string binDirectory, string rootDirectory, bool runAsPostgres, IReadOnlyDictionary<string, string> serverSettings)
    {
        _binDirectory = binDirectory;
        _rootDirectory = rootDirectory;
        _runAsPostgres = runAsPostgres;
        _serverSettings = serverSettings;
        ConnectionString = "";
    }

    /// <summary>The connection string of the server's maintenance database (<c>postgres</c>), as an administrator.</summary>
    public string ConnectionString { get; private set; }

    /// <summary>Whether this server was started here and can be stopped and started again by a test.</summary>
    public bool IsPrivate => _rootDirectory is not null;

    private string DataDirectory => Path.Combine(_rootDirectory!, "data");

    private string LogFile => Path.Combine(_rootDirectory!, "postgres.log");

    /// <summary>
    /// The server shared by every test of this run: the one named by <c>ORLEANSDELIVERY_TEST_PG</c>, or a private
    /// one started on first use. Do not stop it; use <see cref="StartPrivateAsync(CancellationToken)"/> for fault tests.
    /// </summary>
    public static Task<PostgresTestServer> GetSharedAsync() => SharedServer.Value;

    /// <summary>Starts a private server that only the caller uses, for tests that stop and start it.</summary>
    public static Task<PostgresTestServer> StartPrivateAsync(CancellationToken cancellationToken = default) =>
        StartPrivateAsync(new Dictionary<string, string>(), cancellationToken);

    /// <summary>
    /// Starts a private server with extra <c>postgresql.conf</c> settings on top of the test defaults, such as
    /// <c>shared_preload_libraries</c>, which only take effect when given before the server starts.
    /// </summary>
    public static async Task<PostgresTestServer> StartPrivateAsync(IReadOnlyDictionary<string, string> serverSettings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serverSettings);
        var binDirectory = FindBinDirectory();
        RemoveAbandonedServers(binDirectory);

        var runAsPostgres = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        var rootDirectory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(rootDirectory);
        await File.WriteAllTextAsync(
            Path.Combine(rootDirectory, OwnerFileName),
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            cancellationToken);

        var server = new PostgresTestServer(binDirectory, rootDirectory, runAsPostgres, serverSettings);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try
        {
            await server.InitializeAsync(cancellationToken);
            await server.StartAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = "od_test_" + Guid.NewGuid().ToString("N");
        await RunSqlAsync(ConnectionString, $"CREATE DATABASE \"{name}\"", cancellationToken);
        return WithDatabase(ConnectionString, name);
    }

    /// <summary>
    /// Drops a database made by <see cref="CreateDatabaseAsync"/>, cutting its connections. Worth it on a server of
    /// <c>ORLEANSDELIVERY_TEST_PG</c>, which outlives the run; a private server is removed whole anyway.
    /// </summary>
    public async Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var database = new DbConnectionStringBuilder { ConnectionString = connectionString }.TryGetValue("Database", out var name)
            ? Convert.ToString(name, CultureInfo.InvariantCulture)
            : null;
        if (database is null || !database.StartsWith("od_test_", StringComparison.Ordinal))
        {
            throw new ArgumentException("Only databases made by CreateDatabaseAsync can be dropped.", nameof(connectionString));
        }

        await RunSqlAsync(ConnectionString, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", cancellationToken);
    }

    /// <summary>Runs a SQL file with psql (stopping at the first error) against the database of <paramref name="connectionString"/>.</summary>
    public Task<string> RunPsqlFileAsync(string connectionString, string sqlFile, CancellationToken cancellationToken = default) =>
        RunPsqlAsync(connectionString, ["-v", "ON_ERROR_STOP=1", "-f", sqlFile], cancellationToken);

    /// <summary>Stops a private server (fast shutdown: open connections are cut), keeping its data.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        EnsurePrivate();
        await _lifecycleLock.WaitAsync(cancellationToken);
        try
        {
            if (_running)
            {
                await RunPgCtlAsync(["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken);
                _running = false;
            }
        }
        finally
        {
            _lifecycleLock.Release();
        }
    }

    /// <summary>Starts a private server on its data directory and port, waiting until it accepts connections.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        EnsurePrivate();
        await _lifecycleLock.WaitAsync(cancellationToken);
        try
        {
            if (_running)
            {
                return;
            }

            // The port is chosen when the server first starts; a restart keeps it so connection strings stay valid.
            var firstStart = _port == 0;
            for (var attempt = 1; ; attempt++)
            {
                if (firstStart)
                {
                    _port = FindFreePort();
                    await File.AppendAllTextAsync(
                        Path.Combine(DataDirectory, "postgresql.conf"),
                        $"\nport = {_port}\n",
                        cancellationToken);
                }

                try
                {
                    await RunPgCtlAsync(["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "start"], cancellationToken);
                    break;
                }
                catch (InvalidOperationException) when (firstStart && attempt < 3)
                {
                    // Another process took the port between probing and binding; pick another one.
                }
            }

            _running = true;
            ConnectionString = $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres";
        }
        finally
        {
            _lifecycleLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_rootDirectory is null)
        {
            return;
        }

        await _lifecycleLock.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_running || File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                await StopQuietlyAsync(_binDirectory!, DataDirectory, _runAsPostgres);
                _running = false;
            }

            DeleteDirectoryQuietly(_rootDirectory);
        }
        finally
        {
            _lifecycleLock.Release();
        }
    }

    private static async Task<PostgresTestServer> CreateSharedAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresTestServer(external);
        }

        return await StartPrivateAsync();
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_runAsPostgres)
        {
            await RunProcessAsync("chown", ["-R", "postgres:postgres", _rootDirectory!], asPostgres: false, environment: null, cancellationToken);
        }

        await RunProcessAsync(
            Path.Combine(_binDirectory!, "initdb"),
            ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
            _runAsPostgres,
            environment: null,
            cancellationToken);

        // Durability is worthless for a throwaway server; these make schema changes and commits cheap.
        var settings = $"""

            # OrleansDelivery test server
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{_rootDirectory}'
            max_connections = 300
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            wal_level = minimal
            max_wal_senders = 0
            shared_buffers = 64MB
            log_min_messages = warning

            """;
        // Later lines of postgresql.conf win, so the caller's settings override the defaults above.
        settings += string.Concat(_serverSettings.Select(setting => $"{setting.Key} = '{setting.Value.Replace("'", "''", StringComparison.Ordinal)}'\n"));
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings, cancellationToken);
    }

    private void EnsurePrivate()
    {
        if (_rootDirectory is null)
        {
            throw new InvalidOperationException(
                $"This test server comes from {ConnectionStringVariable} and cannot be stopped or started by a test; use {nameof(StartPrivateAsync)}.");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
    }

    private async Task RunPgCtlAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            await RunProcessAsync(Path.Combine(_binDirectory!, "pg_ctl"), arguments, _runAsPostgres, environment: null, cancellationToken);
        }
        catch (InvalidOperationException exception) when (File.Exists(LogFile))
        {
            var log = await File.ReadAllLinesAsync(LogFile, cancellationToken);
            throw new InvalidOperationException(
                $"{exception.Message}{Environment.NewLine}Server log ({LogFile}):{Environment.NewLine}{string.Join(Environment.NewLine, log.TakeLast(20))}",
                exception);
        }
    }

    private async Task RunSqlAsync(string connectionString, string sql, CancellationToken cancellationToken) =>
        await RunPsqlAsync(connectionString, ["-v", "ON_ERROR_STOP=1", "-c", sql], cancellationToken);

    private async Task<string> RunPsqlAsync(string connectionString, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var psql = _binDirectory is not null ? Path.Combine(_binDirectory, "psql") : FindOnPath("psql")
            ?? throw new InvalidOperationException(
                $"psql was not found on PATH; the tests need it to create databases on the server of {ConnectionStringVariable}. Install it with: apt-get install postgresql-client");

        var (libpqConnectionString, password) = ToLibpq(connectionString);
        var environment = password is null ? null : new Dictionary<string, string> { ["PGPASSWORD"] = password };
        return await RunProcessAsync(
            psql,
            ["-X", "-q", "--no-psqlrc", "-d", libpqConnectionString, .. arguments],
            asPostgres: false,
            environment,
            cancellationToken);
    }

    /// <summary>Turns an Npgsql connection string into a libpq one (password passed separately, not on the command line).</summary>
    private static (string ConnectionString, string? Password) ToLibpq(string connectionString)
    {
        var source = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var parts = new List<string>();
        string? password = null;
        foreach (var key in source.Keys.Cast<string>())
        {
            var value = Convert.ToString(source[key], CultureInfo.InvariantCulture) ?? "";
            var libpqKey = key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant() switch
            {
                "host" or "server" => "host",
                "port" => "port",
                "username" or "userid" or "user" => "user",
                "database" or "db" => "dbname",
                "sslmode" => "sslmode",
                "password" or "pwd" => null,
                _ => "",
            };
            if (libpqKey is null)
            {
                password = value;
            }
            else if (libpqKey.Length > 0)
            {
                var escaped = value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("'", @"\'", StringComparison.Ordinal);
                parts.Add($"{libpqKey}='{escaped}'");
            }
        }

        return (string.Join(' ', parts), password);
    }

    private static string WithDatabase(string connectionString, string database)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (var key in builder.Keys.Cast<string>().ToList())
        {
            if (key.Equals("Database", StringComparison.OrdinalIgnoreCase) || key.Equals("DB", StringComparison.OrdinalIgnoreCase))
            {
                builder.Remove(key);
            }
        }

        builder["Database"] = database;
        return builder.ConnectionString;
    }

    private static string FindBinDirectory()
    {
        var installed = System.IO.Directory.Exists("/usr/lib/postgresql")
            ? System.IO.Directory.GetDirectories("/usr/lib/postgresql")
                .Select(directory => Path.Combine(directory, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        if (installed is not null)
        {
            return installed;
        }

        var initdb = FindOnPath("initdb");
        if (initdb is not null && FindOnPath("pg_ctl") is not null)
        {
            // PATH may hold a symlink into the real bin directory, where postgres itself lives.
            var resolved = new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb;
            return Path.GetDirectoryName(resolved)!;
        }

        throw new InvalidOperationException(
            $"No PostgreSQL server binaries (initdb, pg_ctl, postgres) were found in /usr/lib/postgresql/*/bin or on PATH. " +
            $"Install them with: apt-get install postgresql — or set {ConnectionStringVariable} to the connection string of a server where the tests may create databases.");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Removes servers left behind by test processes that died without cleaning up.</summary>
    private static void RemoveAbandonedServers(string binDirectory)
    {
        var runAsPostgres = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        foreach (var directory in System.IO.Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var ownerFile = Path.Combine(directory, OwnerFileName);
            if (!File.Exists(ownerFile)
                || !int.TryParse(File.ReadAllText(ownerFile), CultureInfo.InvariantCulture, out var owner)
                || IsAlive(owner))
            {
                continue;
            }

            StopQuietlyAsync(binDirectory, Path.Combine(directory, "data"), runAsPostgres).GetAwaiter().GetResult();
            DeleteDirectoryQuietly(directory);
        }
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task StopQuietlyAsync(string binDirectory, string dataDirectory, bool runAsPostgres)
    {
        try
        {
            await RunProcessAsync(
                Path.Combine(binDirectory, "pg_ctl"),
                ["-D", dataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"],
                runAsPostgres,
                environment: null,
                CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Already stopped, or never started: nothing to clean up but the files.
        }
    }

    private static void DeleteDirectoryQuietly(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task<string> RunProcessAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        bool asPostgres,
        IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(asPostgres ? "runuser" : fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The postgres user may not be allowed into the caller's working directory.
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var argument in (string[])["-u", "postgres", "--", fileName])
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"Could not run {startInfo.FileName}: {exception.Message}", exception);
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var stdout = await output;
        var stderr = await error;
        if (process.ExitCode != 0)
        {
            var command = new StringBuilder(startInfo.FileName);
            foreach (var argument in startInfo.ArgumentList)
            {
                command.Append(' ').Append(argument);
            }

            throw new InvalidOperationException(
                $"'{command}' exited with code {process.ExitCode}:{Environment.NewLine}{stderr}{stdout}");
        }

        return stdout;
    }
}
