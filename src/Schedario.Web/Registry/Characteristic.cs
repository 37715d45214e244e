namespace Schedario.Web.Registry;

/// <summary>
/// A characteristic definition kept by the administrator (seed 001): a profiling attribute such
/// as "has a PC" or "loves travel". Retiring it (Active = false) stops new assignments only.
/// </summary>
public sealed class CharacteristicDefinition
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Description { get; set; } = "";
    public string Category { get; set; } = "";
    public bool Active { get; set; } = true;
}

/// <summary>
/// A characteristic carried by a record with the date the fact was learned. Assigning it again
/// with a new date adds a row; the newest row is the one in force, the older ones its history.
/// </summary>
public sealed class CustomerCharacteristic
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CustomerId { get; set; }
    public int CharacteristicId { get; set; }
    public CharacteristicDefinition? Characteristic { get; set; }
    public DateOnly Date { get; set; }
    public string? Note { get; set; }
    public DateTime RecordedAt { get; set; }
    public string RecordedBy { get; set; } = "";
}
