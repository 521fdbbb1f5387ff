using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace BlockLora.Tests.Data.Downloads;

/// <summary>
/// A small HTTP server on 127.0.0.1 for download tests: serves byte arrays, honours (or ignores) open-ended
/// Range requests, and can be told to fail, drop or stall a given request. It records every request with its
/// Range header so tests can check what the client asked for.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentDictionary<string, Route> routes = new();
    private readonly ConcurrentQueue<(string Path, string? Range)> requests = new();
    private readonly CancellationTokenSource stopping = new();

    public LoopbackServer()
    {
        BaseUrl = new Uri($"http://127.0.0.1:{FreePort()}/");
        listener.Prefixes.Add(BaseUrl.ToString());
        listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public Uri BaseUrl { get; }

    public IReadOnlyList<(string Path, string? Range)> Requests => requests.ToList();

    public int RequestCount(string path) => requests.Count(r => r.Path == path);

    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    /// <summary>Serves <paramref name="content"/> at <paramref name="path"/>. <paramref name="fault"/> decides,
    /// per 0-based request number, whether that request fails instead.</summary>
    public void Serve(string path, byte[] content, bool supportsRanges = true, Func<int, Fault>? fault = null) =>
        routes["/" + path.TrimStart('/')] = new Route(content, supportsRanges, fault ?? (_ => Fault.None));

    public void Dispose()
    {
        stopping.Cancel();
        listener.Close();
    }

    public abstract record Fault
    {
        public static readonly Fault None = new NoFault();

        public static Fault Status(int code) => new StatusFault(code);

        /// <summary>Send the headers for the whole body, then only <paramref name="bytes"/> bytes, then cut the connection.</summary>
        public static Fault DropAfter(int bytes) => new DropFault(bytes);

        /// <summary>Send the headers and <paramref name="bytes"/> bytes, then go quiet for <paramref name="wait"/>.</summary>
        public static Fault StallAfter(int bytes, TimeSpan wait) => new StallFault(bytes, wait);
    }

    private sealed record NoFault : Fault;

    private sealed record StatusFault(int Code) : Fault;

    private sealed record DropFault(int Bytes) : Fault;

    private sealed record StallFault(int Bytes, TimeSpan Wait) : Fault;

    private sealed record Route(byte[] Content, bool SupportsRanges, Func<int, Fault> Fault)
    {
        public int Served;
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptLoop()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            _ = Task.Run(() => Handle(context));
        }
    }

    private async Task Handle(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            string path = context.Request.Url!.AbsolutePath;
            string? range = context.Request.Headers["Range"];
            requests.Enqueue((path, range));
            if (!routes.TryGetValue(path, out var route))
            {
                response.StatusCode = 404;
                response.Close();
                return;
            }
            var fault = route.Fault(Interlocked.Increment(ref route.Served) - 1);
            if (fault is StatusFault status)
            {
                response.StatusCode = status.Code;
                response.Close();
                return;
            }

            byte[] content = route.Content;
            long start = 0;
            if (route.SupportsRanges && range is not null && range.StartsWith("bytes=") && range.EndsWith('-'))
            {
                start = long.Parse(range["bytes=".Length..^1]);
                if (start >= content.Length)
                {
                    response.StatusCode = 416;
                    response.AddHeader("Content-Range", $"bytes */{content.Length}");
                    response.Close();
                    return;
                }
                response.StatusCode = 206;
                response.AddHeader("Content-Range", $"bytes {start}-{content.Length - 1}/{content.Length}");
            }
            if (route.SupportsRanges) response.AddHeader("Accept-Ranges", "bytes");
            int length = content.Length - (int)start;
            response.ContentLength64 = length;
            var output = response.OutputStream;
            switch (fault)
            {
                case DropFault drop:
                    await output.WriteAsync(content.AsMemory((int)start, Math.Min(drop.Bytes, length)));
                    await output.FlushAsync();
                    response.Abort();
                    return;
                case StallFault stall:
                    await output.WriteAsync(content.AsMemory((int)start, Math.Min(stall.Bytes, length)));
                    await output.FlushAsync();
                    await Task.Delay(stall.Wait, stopping.Token);
                    response.Abort();
                    return;
                default:
                    await output.WriteAsync(content.AsMemory((int)start, length));
                    response.Close();
                    return;
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away (a timeout test cancels mid-body); nothing to report.
        }
    }
}
