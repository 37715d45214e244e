using MudBlazor;

namespace Schedario.Web.Shared;

public static class SchedarioTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f5f8b", Secondary = "#e07a1f", AppbarBackground = "#1f5f8b" },
    };
}

/// <summary>Marker type for the shared UI texts (SharedResource.resx is Italian, .en.resx English).</summary>
public sealed class SharedResource;
