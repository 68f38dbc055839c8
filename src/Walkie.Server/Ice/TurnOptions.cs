using System.Text;

namespace Walkie.Server.Ice;

/// <summary>The "Walkie:Turn" section: a coturn server in use-auth-secret mode that browsers may relay through.</summary>
public sealed record TurnOptions
{
    public bool Enabled { get; init; }

    /// <summary>turn: and turns: URLs, e.g. turn:turn.example.org:3478?transport=udp and ?transport=tcp.</summary>
    public List<string> Urls { get; init; } = [];

    /// <summary>Shared with coturn's static-auth-secret. Never leaves the server.</summary>
    public string Secret { get; init; } = "";

    public TimeSpan CredentialTtl { get; init; } = TimeSpan.FromMinutes(10);

    // Records print every property; the secret must not reach a log line through an accidental ToString().
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Enabled = {Enabled}, Urls = [{string.Join(", ", Urls)}], Secret = ***, CredentialTtl = {CredentialTtl}");
        return true;
    }

    internal bool IsValid() =>
        !Enabled
        || (Urls.Count is > 0 and <= 8
            && Urls.All(u => u.StartsWith("turn:", StringComparison.Ordinal) || u.StartsWith("turns:", StringComparison.Ordinal))
            && Secret.Length >= 16
            && CredentialTtl >= TimeSpan.FromMinutes(1) && CredentialTtl <= TimeSpan.FromDays(1));
}
