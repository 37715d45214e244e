namespace Schedario.Bench;

/// <summary>
/// Benchmarks for the registry figures in docs/benchmarks.md, one command per file. Not top-level
/// statements: their generated Program class would clash with the web app's, which
/// WebApplicationFactory needs.
/// </summary>
static class BenchProgram
{
    static async Task<int> Main(string[] args)
    {
        try
        {
            // The campaign drivers take positional arguments (see Usage).
            if (args.FirstOrDefault() is "wizard" or "next") return await CampaignCommands.RunAsync(args[0], args);
            if (args.FirstOrDefault() is "inbound") return await InboundCommand.RunAsync(args);
            if (args.FirstOrDefault() is "dialer") return DialerCommand.Run(args);
            if (args.FirstOrDefault() is "dialer-claim") return await DialerClaimCommand.RunAsync(args);
            if (args.FirstOrDefault() is "dialer-live") return await DialerLiveCommand.RunAsync(args);
            if (args.FirstOrDefault() is "wallboard") return await WallboardCommand.RunAsync(args);
            if (args.FirstOrDefault() is "register") return await RegisterCommand.RunAsync(args);
            var options = BenchArgs.Parse(args.Skip(1));
            return args.FirstOrDefault() switch
            {
                "generate" => await GenerateCommand.RunAsync(options),
                "import" => await ImportCommand.RunAsync(options),
                "queries" => await QueriesCommand.RunAsync(options),
                "visibility" => await VisibilityCommand.RunAsync(options),
                "prepare" => await PrepareCommand.RunAsync(options),
                _ => Usage(),
            };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return Usage();
        }
    }

    static int Usage()
    {
        Console.Error.WriteLine("""
            usage:
              generate --rows N [--out PATH] [--seed S]
              import   --provider postgres|sqlite --rows N [--file PATH] [--seed S] [--no-baseline] [--no-bulk] [--keep] [--baseline-only] [--defer-indexes]
              prepare  --rows N [--limit M]   (the import's CPU half alone, step by step)
              queries  --provider postgres|sqlite --rows N [--iterations K] [--seed S] [--db SQLITE_FILE] [--explain]
              visibility --provider postgres --rows N [--iterations K] [--runs R] [--seed S] [--keep] [--db NAME] [--campaign-entries] [--explain]
              wizard   [postgres|sqlite] [records=1000000] [matches=100000] [operators=50]
              next     [postgres|sqlite] [entries=20000] [operators=100] [claims per second, 0 = flat out]
              inbound  [records=1000000] [contacts=10000000] [calls ringing at once=50] [rounds=5]   (PostgreSQL)
              dialer   [point|grid|decide] [operators=20] [answerRate=0.25] [seeds=10]   (simulated calling days, no database)
              dialer-live [operators=20] [wallMinutes=5] [speed=10] [names=20000] [seed=1] [tickMs=250/speed]   (the real dialer service against the simulated PBX, PostgreSQL)
              dialer-claim [postgres|sqlite] [names=100000] [register=1000000] [claims=500] [batch=10]   (the dialer's claim and count statements)
              wallboard [campaigns=4] [dialerCalls=1000000] [operators=100] [closedCalls=200000] [snapshots=600]   (PostgreSQL)
              register [postgres|sqlite] [lines=1000000]   (opposition register import: empty list, same file again, a tenth replaced)
            """);
        return 2;
    }
}
