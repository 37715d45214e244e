using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Web.Audit;
using Schedario.Web.CallCenter.Compliance;
using Schedario.Web.Data;

namespace Schedario.Bench;

/// <summary>
/// Issue 6's opposition register import: a file of N numbers (national form, a header, one malformed
/// line in a thousand) imported into an empty list, the same file again (nothing changes), then a
/// file with a tenth of its numbers replaced. Times the parse alone and each whole import.
/// </summary>
static class RegisterCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var provider = (args.ElementAtOrDefault(1) ?? "postgres").StartsWith("p", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var lines = int.TryParse(args.ElementAtOrDefault(2), out var n) ? n : 1_000_000;
        await using var env = await BenchEnv.StartAsync(provider);

        var random = new Random(6);
        var numbers = Enumerable.Range(0, lines).Select(_ => $"3{random.Next(20, 99)} {random.Next(1_000_000, 9_999_999)}").ToArray();
        byte[] File(string[] nums)
        {
            var sb = new StringBuilder("numero;data\n");
            for (var i = 0; i < nums.Length; i++) sb.Append(i % 1000 == 999 ? "non è un numero" : nums[i]).Append(";2026-11-01\n");
            return Encoding.UTF8.GetBytes(sb.ToString());
        }
        var first = File(numbers);
        Console.WriteLine($"{provider}: file of {lines:N0} lines, {first.Length / 1048576.0:F1} MB");

        var parse = Stopwatch.StartNew();
        var parsed = await OppositionRegisterFile.ParseAsync(new MemoryStream(first));
        Console.WriteLine($"parse only: {parse.Elapsed.TotalSeconds:F2} s ({parsed.Numbers.Count:N0} distinct numbers, {parsed.Malformed:N0} malformed)");

        async Task ImportAsync(string label, byte[] file)
        {
            await using var scope = env.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
            var clock = TimeProvider.System;
            var service = new OppositionRegisterService(db, clock, new AuditLog(db, clock), new ComplianceGate(scope.ServiceProvider.GetRequiredService<IServiceScopeFactory>(), clock));
            var sw = Stopwatch.StartNew();
            var r = await service.ImportAsync(new MemoryStream(file), "bench.csv", "bench");
            Console.WriteLine($"{label}: {sw.Elapsed.TotalSeconds:F2} s (lines {r.Lines:N0}, listed {r.Listed:N0}, added {r.Added:N0}, removed {r.Removed:N0}, malformed {r.Malformed:N0})");
        }
        await ImportAsync("import into an empty list", first);
        await ImportAsync("same file again", first);
        for (var i = 0; i < lines; i += 10) numbers[i] = $"3{random.Next(20, 99)} {random.Next(1_000_000, 9_999_999)}";
        await ImportAsync("a tenth of the numbers replaced", File(numbers));
        var total = await env.UseAsync(db => db.DoNotCall().CountAsync());
        Console.WriteLine($"rows on the list: {total:N0}");
        return 0;
    }
}
