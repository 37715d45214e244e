using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Schedario.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster shared by the whole test process, started on first use on a free
/// loopback port and removed when the process exits. Each test class asks it for a fresh database
/// with <see cref="CreateDatabaseAsync"/>.
/// </summary>
/// <remarks>
/// Set <c>SCHEDARIO_TEST_PG</c> to a connection string of an existing server (with the right to
/// create databases) to use that server instead of starting one. When neither that variable nor the
/// PostgreSQL server binaries are there, the first call throws: PostgreSQL tests fail, never skip.
/// </remarks>
public static partial class PostgresServer
{
    /// <summary>Environment variable naming an existing server to use instead of a throwaway one.</summary>
    public const string ServerVariable = "SCHEDARIO_TEST_PG";

    private const string DirectoryPrefix = "schedario-pg-";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static NpgsqlConnectionStringBuilder? admin;
    private static int databaseCounter;

    /// <summary>
    /// Creates a new, empty, uniquely named database and returns a connection string to it.
    /// </summary>
    /// <param name="prefix">Start of the database name (letters, digits, underscores); "schedario" when null.</param>
    public static async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var server = await EnsureServerAsync().ConfigureAwait(false);

        var name = DatabaseName(prefix);
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString)
        {
            Database = name,
            IncludeErrorDetail = true,
            Pooling = true,
            MaxPoolSize = 20,
            // Each test database has its own pool; give idle connections back soon so that many
            // test classes stay well under the server's max_connections.
            ConnectionIdleLifetime = 15,
            ConnectionPruningInterval = 5,
            Timeout = 30,
        };
        return builder.ConnectionString;
    }

    /// <summary>
    /// Drops a database made by <see cref="CreateDatabaseAsync"/>, closing any connection still open
    /// to it. Best effort: a failure here is ignored (the throwaway cluster goes away anyway).
    /// </summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var server = admin;
        if (server is null)
            return;
        try
        {
            var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
            if (string.IsNullOrEmpty(name) || name == server.Database)
                return;
            NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException)
        {
        }
    }

    private static string DatabaseName(string? prefix)
    {
        var start = string.IsNullOrWhiteSpace(prefix) ? "schedario" : prefix.ToLowerInvariant();
        start = NotIdentifier().Replace(start, "_");
        if (start.Length > 30)
            start = start[..30];
        var n = Interlocked.Increment(ref databaseCounter);
        var name = $"{start}_{n}_{Guid.NewGuid().ToString("N")[..12]}";
        return name.Length > 63 ? name[..63] : name;
    }

    [GeneratedRegex("[^a-z0-9_]")]
    private static partial Regex NotIdentifier();

    private static async Task<NpgsqlConnectionStringBuilder> EnsureServerAsync()
    {
        if (admin is { } ready)
            return ready;

        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (admin is { } raced)
                return raced;

            var external = Environment.GetEnvironmentVariable(ServerVariable);
            if (!string.IsNullOrWhiteSpace(external))
            {
                var builder = new NpgsqlConnectionStringBuilder(external);
                if (string.IsNullOrEmpty(builder.Database))
                    builder.Database = "postgres";
                await WaitUntilReadyAsync(builder.ConnectionString, TimeSpan.FromSeconds(30), log: null).ConfigureAwait(false);
                admin = builder;
                return builder;
            }

            var started = await Task.Run(Cluster.Start).ConfigureAwait(false);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => started.Stop();
            await WaitUntilReadyAsync(started.AdminConnectionString, TimeSpan.FromSeconds(30), started.LogFile).ConfigureAwait(false);
            admin = new NpgsqlConnectionStringBuilder(started.AdminConnectionString);
            return admin;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task WaitUntilReadyAsync(string connectionString, TimeSpan timeout, string? log)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException && deadline.Elapsed < timeout)
            {
                await Task.Delay(200).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or SocketException)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL at '{Redacted(connectionString)}' did not accept connections within {timeout.TotalSeconds:0} s."
                    + (log is null ? "" : $"\nServer log ({log}):\n{Tail(log)}"), e);
            }
        }
    }

    private static string Redacted(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.Password))
            builder.Password = "***";
        return builder.ConnectionString;
    }

    private static string Tail(string file)
    {
        try
        {
            var lines = File.ReadAllLines(file);
            return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 30)));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    /// <summary>One initdb-made data directory and the postmaster serving it.</summary>
    private sealed class Cluster
    {
        private readonly string binDirectory;
        private readonly bool asPostgresUser;
        private int stopped;

        private Cluster(string binDirectory, string root, bool asPostgresUser)
        {
            this.binDirectory = binDirectory;
            this.asPostgresUser = asPostgresUser;
            Root = root;
        }

        public string Root { get; }
        public string DataDirectory => Path.Combine(Root, "data");
        public string LogFile => Path.Combine(Root, "postgres.log");
        public int Port { get; private set; }

        public string AdminConnectionString => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = "postgres",
            Pooling = false,
            Timeout = 10,
        }.ConnectionString;

        public static Cluster Start()
        {
            var bin = FindBinDirectory();
            var asPostgres = Environment.IsPrivilegedProcess;
            RemoveAbandonedClusters(bin, asPostgres);

            var root = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
            File.WriteAllText(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var cluster = new Cluster(bin, root, asPostgres);
            try
            {
                if (asPostgres)
                {
                    // initdb refuses to run as root: the cluster belongs to the postgres user.
                    Run("chown", ["-R", "postgres:postgres", root], TimeSpan.FromSeconds(30));
                }

                cluster.RunPg("initdb", [
                    "-D", cluster.DataDirectory, "-A", "trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8", "--locale=C"], TimeSpan.FromMinutes(2));

                // The port is free when we look; another process may take it before the
                // postmaster binds, so try a few.
                for (var attempt = 1; ; attempt++)
                {
                    cluster.Port = FreeLoopbackPort();
                    var options = string.Join(' ',
                        "-h 127.0.0.1", $"-p {cluster.Port}", $"-k {root}",
                        "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
                        "-c max_connections=300", "-c shared_buffers=256MB");
                    try
                    {
                        cluster.RunPg("pg_ctl", [
                            "-D", cluster.DataDirectory, "-l", cluster.LogFile, "-w", "-t", "60",
                            "-o", options, "start"], TimeSpan.FromSeconds(90));
                        cluster.StartWatchdog();
                        return cluster;
                    }
                    catch (InvalidOperationException) when (attempt < 3)
                    {
                        cluster.RunPg("pg_ctl", ["-D", cluster.DataDirectory, "-m", "immediate", "stop"], TimeSpan.FromSeconds(30), check: false);
                    }
                }
            }
            catch (Exception e)
            {
                var log = File.Exists(cluster.LogFile) ? $"\nServer log ({cluster.LogFile}):\n{Tail(cluster.LogFile)}" : "";
                cluster.Stop();
                throw new InvalidOperationException($"Could not start a throwaway PostgreSQL cluster: {e.Message}{log}", e);
            }
        }

        public void Stop()
        {
            if (Interlocked.Exchange(ref stopped, 1) == 1)
                return;
            try
            {
                if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
                    RunPg("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], TimeSpan.FromSeconds(40), check: false);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
            TryDelete(Root);
        }

        /// <summary>
        /// The test host may be killed before ProcessExit runs (the test runner does that once a
        /// run ends): a detached shell waits for this process to go, then stops and removes the cluster.
        /// </summary>
        private void StartWatchdog()
        {
            var pgCtl = Path.Combine(binDirectory, "pg_ctl");
            var stop = (asPostgresUser ? "runuser -u postgres -- " : "") + $"'{pgCtl}' -D '{DataDirectory}' -m immediate -w -t 30 stop";
            var script = string.Join('\n',
                "exec </dev/null >/dev/null 2>&1",
                $"while [ -d /proc/{Environment.ProcessId} ]; do sleep 1; done",
                $"[ -f '{DataDirectory}/postmaster.pid' ] && {stop}",
                $"rm -rf '{Root}'");
            var info = new ProcessStartInfo("/bin/sh")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(script);
            using var watchdog = Process.Start(info);
        }

        private void RunPg(string tool, string[] arguments, TimeSpan timeout, bool check = true)
            => RunPg(binDirectory, asPostgresUser, tool, arguments, timeout, check);

        private static void RunPg(string bin, bool asPostgres, string tool, string[] arguments, TimeSpan timeout, bool check = true)
        {
            var executable = Path.Combine(bin, tool);
            if (asPostgres)
                Run("runuser", ["-u", "postgres", "--", executable, .. arguments], timeout, check);
            else
                Run(executable, arguments, timeout, check);
        }

        /// <summary>Stops and removes clusters left behind by test processes that were killed.</summary>
        private static void RemoveAbandonedClusters(string bin, bool asPostgres)
        {
            foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
            {
                try
                {
                    var pidFile = Path.Combine(directory, "owner.pid");
                    if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) || IsAlive(pid))
                        continue;
                    var data = Path.Combine(directory, "data");
                    if (File.Exists(Path.Combine(data, "postmaster.pid")))
                        RunPg(bin, asPostgres, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"], TimeSpan.FromSeconds(40), check: false);
                    TryDelete(directory);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                }
            }
        }

        private static bool IsAlive(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        private static void TryDelete(string directory)
        {
            try
            {
                if (Directory.Exists(directory))
                    Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static string FindBinDirectory()
    {
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.EnumerateDirectories(debianRoot)
                .Select(d => (Path: Path.Combine(d, "bin"), Version: decimal.TryParse(Path.GetFileName(d), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version >= 0 && File.Exists(Path.Combine(d.Path, "initdb")) && File.Exists(Path.Combine(d.Path, "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Path)
                .FirstOrDefault();
            if (newest is not null)
                return newest;
        }

        try
        {
            var bindir = Run("pg_config", ["--bindir"], TimeSpan.FromSeconds(10)).Trim();
            if (File.Exists(Path.Combine(bindir, "initdb")) && File.Exists(Path.Combine(bindir, "pg_ctl")))
                return bindir;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/<version>/bin "
            + "nor in `pg_config --bindir`. Install them (Debian: `apt-get install postgresql`; ./test.sh does this) "
            + $"or set {ServerVariable} to the connection string of a server where the tests may create databases.");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a program to its end and returns its standard output; throws if it fails.</summary>
    private static string Run(string fileName, string[] arguments, TimeSpan timeout, bool check = true)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        // Messages in English whatever the machine's locale, so that failures read the same everywhere.
        info.Environment["LC_ALL"] = "C";
        info.Environment["LANG"] = "C";

        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var error = new StringBuilder();
        // Read both streams concurrently (a full pipe would block the child) but wait only for the
        // process itself: a daemon it leaves behind may still hold an inherited pipe open.
        var outTask = Task.Run(() => Pump(process.StandardOutput, output));
        var errTask = Task.Run(() => Pump(process.StandardError, error));
        if (!process.WaitForExit(timeout))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new InvalidOperationException($"`{Describe(fileName, arguments)}` did not finish within {timeout.TotalSeconds:0} s.\n{Snapshot(output)}{Snapshot(error)}");
        }
        Task.WaitAll([outTask, errTask], TimeSpan.FromSeconds(2));
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"`{Describe(fileName, arguments)}` exited with code {process.ExitCode}.\n{Snapshot(output)}{Snapshot(error)}");
        return Snapshot(output);
    }

    private static void Pump(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            lock (into)
                into.Append(buffer, 0, read);
        }
    }

    private static string Snapshot(StringBuilder builder)
    {
        lock (builder)
            return builder.ToString();
    }

    private static string Describe(string fileName, string[] arguments)
        => string.Join(' ', arguments.Prepend(fileName).Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
}
