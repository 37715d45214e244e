namespace Schedario.Web.Shared;

public static class ScopeExtensions
{
    /// <summary>
    /// Runs one unit of work in its own DI scope. A Blazor circuit lives for hours and its events
    /// can overlap, so pages take a fresh DbContext per operation instead of one per circuit.
    /// </summary>
    public static async Task<T> Use<TService, T>(this IServiceScopeFactory scopes, Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public static async Task Use<TService>(this IServiceScopeFactory scopes, Func<TService, Task> work) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
