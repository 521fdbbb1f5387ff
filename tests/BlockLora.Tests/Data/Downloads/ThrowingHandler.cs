namespace BlockLora.Tests.Data.Downloads;

/// <summary>An HTTP handler that counts and refuses every request: proves a code path used no network.</summary>
internal sealed class ThrowingHandler : HttpMessageHandler
{
    public int Calls { get; private set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Calls++;
        throw new InvalidOperationException($"unexpected network access: {request.RequestUri}");
    }
}
