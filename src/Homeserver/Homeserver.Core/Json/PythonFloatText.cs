using System.Globalization;

namespace Homeserver.Core.Json;

/// <summary>
/// A float written the way Python's <c>repr</c> writes it (and so Synapse's canonical JSON): the
/// shortest digits that read back as the same double, in positional form (with ".0" when integral)
/// for decimal exponents -4 to 15, otherwise as <c>d.ddde+XX</c> with at least two exponent digits.
/// </summary>
internal static class PythonFloatText
{
    /// <summary>False when the text does not read as a finite double (Python's json then refuses to encode it).</summary>
    public static bool TryFormat(string numberText, out string text)
    {
        text = "";
        if (!double.TryParse(numberText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ||
            !double.IsFinite(value))
        {
            return false;
        }

        text = Format(value);
        return true;
    }

    public static string Format(double value)
    {
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        var sign = value < 0 ? "-" : "";
        var (digits, point) = ShortestDigits(Math.Abs(value));

        // value = 0.<digits> x 10^point; Python uses the exponent form when point <= -4 or point > 16.
        if (point is > -4 and <= 16)
        {
            return point <= 0 ? $"{sign}0.{new string('0', -point)}{digits}"
                : point >= digits.Length ? $"{sign}{digits}{new string('0', point - digits.Length)}.0"
                : $"{sign}{digits[..point]}.{digits[point..]}";
        }

        var exponent = point - 1;
        var mantissa = digits.Length == 1 ? digits : $"{digits[..1]}.{digits[1..]}";
        return $"{sign}{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture)}";
    }

    /// <summary>The significant digits of the shortest round-trip text ("R") and the decimal point's position.</summary>
    private static (string Digits, int Point) ShortestDigits(double magnitude)
    {
        var text = magnitude.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? text : text[..e];
        var exponent = e < 0 ? 0 : int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var significant = digits.TrimStart('0');
        point -= digits.Length - significant.Length;
        return (significant.TrimEnd('0'), point);
    }
}
