using Schedario.Web.CallCenter.Mail;

namespace Schedario.Tests.CallCenter.Mail;

public sealed class MailMergeTests
{
    static readonly MergeRecord Person = new("Anna Rossi", "Rossi", null, "RSSNNA80A41F205X", null, "Milano");
    static readonly MergeRecord Company = new("Bianchi Srl", null, "Bianchi", null, "01234567890", "Torino");
    static readonly MergeSender Sender = new("Operatore Uno", "Agenzia Nord");
    static readonly DateOnly Today = new(2026, 3, 7);

    [Fact]
    public void Every_field_is_replaced()
    {
        var text = "{{nome}}|{{cognome}}|{{ragioneSociale}}|{{codiceFiscale}}|{{partitaIva}}|{{citta}}|{{data}}|{{operatore}}|{{agenzia}}";
        Assert.Equal("Anna Rossi|Rossi||RSSNNA80A41F205X||Milano|07/03/2026|Operatore Uno|Agenzia Nord", MailMerge.Render(text, Person, Sender, Today));
        Assert.Equal("Bianchi Srl||Bianchi||01234567890|Torino|07/03/2026|Operatore Uno|Agenzia Nord", MailMerge.Render(text, Company, Sender, Today));
    }

    [Fact]
    public void Fields_allow_spaces_and_any_case_and_repeat()
    {
        Assert.Equal("Ciao Anna Rossi, Anna Rossi!", MailMerge.Render("Ciao {{ nome }}, {{NOME}}!", Person, Sender, Today));
    }

    [Fact]
    public void Text_without_fields_is_unchanged_and_unknown_fields_stay_as_written()
    {
        Assert.Equal("Buongiorno { nome } {{", MailMerge.Render("Buongiorno { nome } {{", Person, Sender, Today));
        Assert.Equal("x {{sconosciuto}} Anna Rossi", MailMerge.Render("x {{sconosciuto}} {{nome}}", Person, Sender, Today));
        Assert.Equal("", MailMerge.Render((string?)null, Person, Sender, Today));
    }

    [Fact]
    public void Unknown_fields_are_listed_once()
    {
        Assert.Equal(["cliente", "indirizzo"], MailMerge.UnknownFields("{{cliente}} {{nome}} {{indirizzo}} {{cliente}}"));
        Assert.Empty(MailMerge.UnknownFields("{{nome}} {{ data }} {{Agenzia}}"));
        Assert.Empty(MailMerge.UnknownFields(null));
    }

    [Fact]
    public void A_template_renders_subject_and_body()
    {
        var t = new MailTemplate { Subject = "{{agenzia}} - {{data}}", Body = "Gentile {{nome}},\nsaluti, {{operatore}}" };
        var (subject, body) = MailMerge.Render(t, Person, Sender, Today);
        Assert.Equal("Agenzia Nord - 07/03/2026", subject);
        Assert.Equal("Gentile Anna Rossi,\nsaluti, Operatore Uno", body);
    }

    [Fact]
    public void Main_address_goes_to_To_and_every_other_to_Cc_once()
    {
        var r = MailRecipients.From([("second@x.it", false), ("Main@x.it", true), ("SECOND@x.it", false), ("main@X.it", false), ("third@x.it", false)], null);
        Assert.Equal("Main@x.it", r.To);
        Assert.Equal(["second@x.it", "third@x.it"], r.Cc);
    }

    [Fact]
    public void Without_a_main_flag_the_record_main_email_then_the_first_is_used()
    {
        Assert.Equal("b@x.it", MailRecipients.From([("a@x.it", false), ("b@x.it", false)], "b@x.it").To);
        Assert.Equal(["a@x.it"], MailRecipients.From([("a@x.it", false), ("b@x.it", false)], "b@x.it").Cc);
        Assert.Equal("a@x.it", MailRecipients.From([("a@x.it", false)], null).To);
        Assert.Equal("solo@x.it", MailRecipients.From([], "solo@x.it").To);
    }

    [Fact]
    public void No_address_means_no_recipient()
    {
        var r = MailRecipients.From([("  ", true)], null);
        Assert.Null(r.To);
        Assert.Empty(r.Cc);
    }
}
