namespace Walkie.Server.Lan;

/// <summary>
/// The "Walkie:Lan" section: HTTPS on every interface with a certificate of Walkie's own, so phones on the same
/// network get a secure page, and with it the microphone.
/// </summary>
public sealed record LanOptions
{
    public bool Enabled { get; init; }

    public int Port { get; init; } = 5443;

    /// <summary>Where the certificate is kept. By default in the user's data folder, so phones trust it once.</summary>
    public string? CertificatePath { get; init; }

    internal string ResolvedCertificatePath => CertificatePath is { Length: > 0 } path
        ? path
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "Walkie", "lan-certificate.pfx");
}
