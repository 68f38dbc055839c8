using System.Threading.RateLimiting;

namespace Walkie.Server.Protection;

/// <summary>
/// A token bucket that refills from the elapsed time of a <see cref="TimeProvider"/> when asked, with no timer:
/// the library's buckets each run a timer (or refill a fixed amount per manual call), and a server holds one
/// bucket per method for each of thousands of connections.
/// </summary>
internal sealed class TokenBucket : RateLimiter
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double _perSecond;
    private readonly double _capacity;
    private double _tokens;
    private long _last;

    public TokenBucket(double perSecond, int burst, TimeProvider time)
    {
        _time = time;
        _perSecond = perSecond;
        _capacity = burst;
        _tokens = burst;
        _last = time.GetTimestamp();
    }

    /// <summary>Zero once the bucket is full again (its owner may then forget it), null while it refills.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                Refill();
                return _tokens >= _capacity ? TimeSpan.Zero : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            Refill();
            return new RateLimiterStatistics { CurrentAvailablePermits = (long)_tokens };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_lock)
        {
            Refill();
            if (_tokens >= permitCount)
            {
                _tokens -= permitCount;
                return Lease.Granted;
            }
            var wait = TimeSpan.FromSeconds(Math.Min(permitCount, _capacity + 1) - _tokens) / _perSecond;
            return new Lease(false, wait);
        }
    }

    /// <summary>Hub calls never wait for a permit: a refusal tells the client when to retry.</summary>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_last, now);
        _last = now;
        _tokens = Math.Min(_capacity, _tokens + elapsed.TotalSeconds * _perSecond);
    }

    private sealed class Lease(bool acquired, TimeSpan retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, TimeSpan.Zero);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => acquired ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = acquired || metadataName != MetadataName.RetryAfter.Name ? null : retryAfter;
            return metadata is not null;
        }
    }
}
