namespace BlockLora.Text.Ftfy;

/// <summary>
/// ftfy's <c>fix_encoding</c>: undoes mojibake, text that was UTF-8 but got decoded with a one-byte
/// code page ("crÃ¨me" for "crème"). It only acts on text the heuristic flags as bad, and only keeps
/// a re-decoding that is valid UTF-8, so correct accented text is left as it is.
/// </summary>
internal static class EncodingFixer
{
    public static string FixEncoding(string text)
    {
        while (true)
        {
            string fixedText = FixOneStep(text);
            if (fixedText == text)
            {
                return text;
            }

            text = fixedText;
        }
    }

    private static string FixOneStep(string text)
    {
        if (text.Length == 0 || System.Text.Ascii.IsValid(text) || !MojibakeHeuristic.IsBad(text))
        {
            return text;
        }

        bool latin1Possible = false;
        foreach (SingleByteEncoding encoding in SingleByteEncoding.MojibakeCandidates)
        {
            if (!encoding.CanEncode(text))
            {
                continue;
            }

            latin1Possible |= ReferenceEquals(encoding, SingleByteEncoding.Latin1);
            byte[] bytes = encoding.Encode(text);
            if (!ReferenceEquals(encoding, SingleByteEncoding.MacRoman) && ByteRepairs.HasAlteredUtf8(bytes))
            {
                bytes = ByteRepairs.RestoreByteA0(bytes);
            }

            if (encoding.IsSloppy)
            {
                bytes = ByteRepairs.ReplaceLossySequences(bytes);
            }

            if (Utf8VariantsDecoder.TryDecode(bytes, out string decoded))
            {
                return decoded;
            }
        }

        if (InconsistentUtf8.Contains(text))
        {
            string fixedRuns = InconsistentUtf8.Decode(text);
            if (fixedRuns != text)
            {
                return fixedRuns;
            }
        }

        // Latin-1 text with C1 controls in it was almost surely meant as Windows-1252; ftfy decodes it
        // strictly, so the five bytes Windows-1252 leaves unassigned make it give up on this step.
        if (latin1Possible && text.AsSpan().IndexOfAny("\u0081\u008D\u008F\u0090\u009D") < 0)
        {
            string windows1252 = CharacterFixes.FixC1Controls(text);
            if (windows1252 != text)
            {
                return windows1252;
            }
        }

        return CharacterFixes.FixC1Controls(text);
    }
}
