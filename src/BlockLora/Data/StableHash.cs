using System.Text;

namespace BlockLora.Data;

/// <summary>
/// A 64-bit hash of strings and integers that is the same in every process, on every machine and in
/// every .NET version (unlike <see cref="string.GetHashCode()"/>, which is randomised per process).
/// FNV-1a over a tagged, length-prefixed encoding, so ("ab", "c") and ("a", "bc") differ, finished with
/// SplitMix64's mixer to spread FNV's weak low bits.
/// </summary>
public static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <param name="parts">Strings (hashed as UTF-8) and integers (int or long, hashed as 64-bit little-endian).</param>
    public static ulong Of(params ReadOnlySpan<object> parts)
    {
        ulong state = FnvOffset;
        foreach (object part in parts)
        {
            switch (part)
            {
                case string s:
                    byte[] bytes = Encoding.UTF8.GetBytes(s);
                    state = AddByte(state, (byte)'S');
                    state = AddInt64(state, bytes.Length);
                    foreach (byte b in bytes) state = AddByte(state, b);
                    break;
                case int or long:
                    state = AddByte(state, (byte)'I');
                    state = AddInt64(state, Convert.ToInt64(part, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new ArgumentException($"StableHash takes strings and integers, not {part?.GetType().Name ?? "null"}", nameof(parts));
            }
        }
        return SplitMix64.Mix(state);
    }

    private static ulong AddInt64(ulong state, long value)
    {
        for (int shift = 0; shift < 64; shift += 8) state = AddByte(state, (byte)(value >> shift));
        return state;
    }

    private static ulong AddByte(ulong state, byte b) => (state ^ b) * FnvPrime;
}
