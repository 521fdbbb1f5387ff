namespace BlockLora.Data.Downloads;

/// <summary>One HttpClient for the blocking entry points: HttpClient is meant to be reused, and a new one
/// per file would open a new connection pool each time.</summary>
internal static class SharedHttp
{
    private static readonly Lazy<HttpClient> client = new(Downloader.CreateHttpClient);

    public static HttpClient Client => client.Value;
}
