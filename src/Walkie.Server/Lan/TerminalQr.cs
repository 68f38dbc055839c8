using System.Text;
using QRCoder;

namespace Walkie.Server.Lan;

/// <summary>A QR code a phone can scan off the terminal.</summary>
internal static class TerminalQr
{
    /// <summary>
    /// Two modules per character cell with half blocks. The light modules (and the quiet zone) are the ones drawn, so
    /// on the usual light-on-dark terminal the code reads the right way round.
    /// </summary>
    public static string Render(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var rows = data.ModuleMatrix;
        var size = rows.Count;
        bool Light(int x, int y) => y >= size || !rows[y][x];
        var output = new StringBuilder();
        for (var y = 0; y < size; y += 2)
        {
            for (var x = 0; x < size; x++)
            {
                output.Append((Light(x, y), Light(x, y + 1)) switch
                {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    _ => ' ',
                });
            }
            output.Append('\n');
        }
        return output.ToString();
    }
}
