using System.Globalization;

namespace Schedario.Web.Shared;

/// <summary>Italian display conventions: dd/MM/yyyy, € amounts, +39 phones grouped for reading.</summary>
public static class Format
{
    static readonly CultureInfo It = CultureInfo.GetCultureInfo("it-IT");

    public static string Date(DateOnly? d) => d?.ToString("dd/MM/yyyy", It) ?? "";
    public static string Date(DateTime? d) => d?.ToLocalTime().ToString("dd/MM/yyyy", It) ?? "";
    public static string DateTime(DateTime? d) => d?.ToLocalTime().ToString("dd/MM/yyyy HH:mm", It) ?? "";
    public static string Euro(decimal? amount) => amount?.ToString("C2", It) ?? "";

    /// <summary>"+393331234567" → "+39 333 123 4567"; "+390212345678" → "+39 02 1234 5678".</summary>
    public static string Phone(string? e164)
    {
        if (string.IsNullOrEmpty(e164)) return "";
        if (!e164.StartsWith("+39") || e164.Length < 9) return e164;
        var n = e164[3..];
        if (n.StartsWith('3') && n.Length == 10) return $"+39 {n[..3]} {n[3..6]} {n[6..]}";
        var area = n.StartsWith("02") || n.StartsWith("06") ? 2 : 3;
        return $"+39 {n[..area]} {n[area..]}";
    }
}
