using System.Text.RegularExpressions;

namespace BlockLora.Text.Ftfy;

/// <summary>
/// Finds runs that look like UTF-8 read as a one-byte code page (a lead-byte character followed by
/// the right number of continuation-byte characters) so that mojibake embedded in otherwise correct
/// text, which no single re-encoding of the whole string can fix, is fixed run by run.
/// </summary>
internal static partial class InconsistentUtf8
{
    // The character sets are transcribed from ftfy 6.3 (Apache-2.0): what UTF-8 lead and continuation
    // bytes decode to in the code pages the fixer knows. The plain continuation set also admits a
    // space standing for A0.
    private const string FirstOf2 =
        @"\u0102\u00C2\u00C4\u0100\u00C5\u00C3\u00C6\u0106\u010C\u00C7\u010E\u0110\u00C9\u011A\u00CA\u00CB" +
        @"\u0116\u00C8\u0112\u0118\u00D0\u011E\u0122\u00CD\u00CE\u00CF\u0130\u00CC\u012A\u0136\u0139\u013B" +
        @"\u0141\u0143\u0147\u0145\u00D1\u00D3\u00D4\u00D6\u0150\u00D2\u014C\u00D8\u00D5\u0158\u015A\u0160" +
        @"\u015E\u0162\u00DE\u00DA\u00DB\u00DC\u0170\u00D9\u016A\u0172\u016E\u00DD\u0179\u017D\u017B\u00DF" +
        @"\u00D7\u0392\u0393\u0394\u0395\u0396\u0397\u0398\u0399\u039A\u039B\u039C\u039D\u039E\u039F\u03A0" +
        @"\u03A1\u03A3\u03A4\u03A5\u03A6\u03A7\u03A8\u03A9\u03AA\u03AB\u03AC\u03AD\u03AE\u03AF\u0412\u0413" +
        @"\u0414\u0415\u0416\u0417\u0418\u0419\u041A\u041B\u041C\u041D\u041E\u041F\u0420\u0421\u0422\u0423" +
        @"\u0424\u0425\u0426\u0427\u0428\u0429\u042A\u042B\u042C\u042D\u042E\u042F";

    private const string FirstOf3 =
        @"\u00E1\u0103\u00E2\u00E4\u00E0\u0101\u0105\u00E5\u00E3\u00E6\u0107\u010D\u00E7\u010F\u00E9\u011B" +
        @"\u00EA\u00EB\u0117\u00E8\u0113\u0119\u0119\u0123\u00ED\u00EE\u00EF\u00EC\u012B\u012F\u0137\u013A" +
        @"\u013C\u0155\u017A\u03B0\u03B1\u03B2\u03B3\u03B4\u03B5\u03B6\u03B7\u03B8\u03B9\u03BA\u03BB\u03BC" +
        @"\u03BD\u03BE\u03BF\u0430\u0431\u0432\u0433\u0434\u0435\u0436\u0437\u0438\u0439\u043A\u043B\u043C" +
        @"\u043D\u043E\u043F";

    private const string FirstOf4 =
        @"\u0111\u00F0\u011F\u00F3\u0161\u03C0\u03C3\u0440\u0443";

    private const string Continuation =
        @"\u0080-\u00BF\u0020\u0104\u00C6\u013D\u0141\u00D8\u0156\u015A\u0160\u015E\u0164\u0178\u0179" +
        @"\u017D\u017B\u0152\u0105\u00E6\u0192\u013E\u0142\u00F8\u0157\u015B\u0161\u015F\u0165\u017A\u017E" +
        @"\u017C\u0153\u02C6\u02C7\u02D8\u02DB\u02DC\u02DD\u0384\u0385\u0386\u0388\u0389\u038A\u038C\u038E" +
        @"\u038F\u0401\u0402\u0403\u0404\u0405\u0406\u0407\u0408\u0409\u040A\u040B\u040C\u040E\u040F\u0451" +
        @"\u0452\u0453\u0454\u0455\u0456\u0457\u0458\u0459\u045A\u045B\u045C\u045E\u045F\u0490\u0491\u2013" +
        @"\u2014\u2015\u2018\u2019\u201A\u201C\u201D\u201E\u2020\u2021\u2022\u2026\u2030\u2039\u203A\u20AC" +
        @"\u2116\u2122";

    private const string ContinuationStrict =
        @"\u0080-\u00BF\u0104\u00C6\u013D\u0141\u00D8\u0156\u015A\u0160\u015E\u0164\u0178\u0179\u017D" +
        @"\u017B\u0152\u0105\u00E6\u0192\u013E\u0142\u00F8\u0157\u015B\u0161\u015F\u0165\u017A\u017E\u017C" +
        @"\u0153\u02C6\u02C7\u02D8\u02DB\u02DC\u02DD\u0384\u0385\u0386\u0388\u0389\u038A\u038C\u038E\u038F" +
        @"\u0401\u0402\u0403\u0404\u0405\u0406\u0407\u0408\u0409\u040A\u040B\u040C\u040E\u040F\u0451\u0452" +
        @"\u0453\u0454\u0455\u0456\u0457\u0458\u0459\u045A\u045B\u045C\u045E\u045F\u0490\u0491\u2020\u2021" +
        @"\u2030\u2039\u203A\u20AC\u2116\u2122";

    // A continuation-like character just before the run means the run is part of a larger garble that
    // fixing a few characters of would make worse.
    [GeneratedRegex(
        $@"(?<![{ContinuationStrict}])(?:[{FirstOf2}][{Continuation}]|[{FirstOf3}][{Continuation}]{{2}}|[{FirstOf4}][{Continuation}]{{3}})+",
        RegexOptions.CultureInvariant)]
    private static partial Regex Detector();

    public static bool Contains(string text) => Detector().IsMatch(text);

    /// <summary>Fixes each suspicious run on its own when it, too, looks like mojibake.</summary>
    public static string Decode(string text) =>
        Detector().Replace(text, match =>
        {
            string run = match.Value;
            return run.Length < text.Length && MojibakeHeuristic.IsBad(run) ? EncodingFixer.FixEncoding(run) : run;
        });
}
