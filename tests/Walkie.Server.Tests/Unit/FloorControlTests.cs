using Microsoft.Extensions.Time.Testing;
using Walkie.Server.Floor;

namespace Walkie.Server.Tests.Unit;

public class FloorControlTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    private FloorControl NewFloor(bool queueing = true, int limitSeconds = 30, int maxQueue = 16, double rekeySeconds = 2, Lock? owner = null) =>
        new(new FloorRules(TimeSpan.FromSeconds(limitSeconds), queueing, maxQueue, TimeSpan.FromSeconds(rekeySeconds)), _time, owner);

    [Fact]
    public void TheQueueIsBoundedAndTheNextRequestIsDenied()
    {
        var floor = NewFloor(maxQueue: 2);
        floor.Request("a");
        Assert.Equal(RequestOutcome.Queued, floor.Request("b").Result.Outcome);
        Assert.Equal(RequestOutcome.Queued, floor.Request("c").Result.Outcome);
        var (denied, change) = floor.Request("d");
        Assert.Equal((RequestOutcome.Denied, "a"), (denied.Outcome, denied.Holder));
        Assert.Null(change);
        Assert.Equal(["b", "c"], Assert.IsType<FloorState.Held>(floor.State).Queue);
    }

    [Fact]
    public void SomeoneCutOffByTheLimitCannotRetakeAnIdleFloorUntilTheRekeyDelayPassed()
    {
        var floor = NewFloor(limitSeconds: 30, rekeySeconds: 2);
        floor.Request("bot");
        var grant = Assert.IsType<FloorState.Held>(floor.State).Grant;
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("bot", floor.Expire(grant)!.RevokedFrom);

        var (retake, change) = floor.Request("bot");
        Assert.Equal(RequestOutcome.Denied, retake.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(2), retake.RetryAfter);
        Assert.Null(change);

        // A human who presses within the delay gets the floor, and the bot queues behind them.
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(RequestOutcome.Granted, floor.Request("human").Result.Outcome);
        Assert.Equal((RequestOutcome.Queued, 1), (floor.Request("bot").Result.Outcome, floor.Request("bot").Result.Position));
        floor.Release("human");
        Assert.Equal("bot", Assert.IsType<FloorState.Held>(floor.State).Holder);
    }

    [Fact]
    public void AfterTheRekeyDelayTheFloorIsGrantedAgain()
    {
        var floor = NewFloor(limitSeconds: 30, rekeySeconds: 2);
        floor.Request("bot");
        _time.Advance(TimeSpan.FromSeconds(30));
        floor.Expire(Assert.IsType<FloorState.Held>(floor.State).Grant);
        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(RequestOutcome.Denied, floor.Request("bot").Result.Outcome);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(RequestOutcome.Granted, floor.Request("bot").Result.Outcome);
    }

    [Fact]
    public void AVoluntaryReleaseCannotJumpAheadOfTheQueue()
    {
        var floor = NewFloor();
        floor.Request("a");
        floor.Request("b");
        floor.Release("a");
        var (again, _) = floor.Request("a");
        Assert.Equal((RequestOutcome.Queued, "b", 1), (again.Outcome, again.Holder, again.Position));
    }

    [Fact]
    public void AnAwayHolderLosesTheFloorAndAnAwayQueuedMemberIsPassedOverButKeepsTheirPlace()
    {
        var floor = NewFloor();
        floor.Request("a");
        floor.Request("b");
        floor.Request("c");
        Assert.Null(floor.Away("b"));
        var change = floor.Away("a")!;
        Assert.Equal("c", change.GrantedFromQueue);
        Assert.Equal(["b"], Assert.IsType<FloorState.Held>(floor.State).Queue);

        floor.Back("b");
        Assert.Equal("b", floor.Release("c")!.GrantedFromQueue);
    }

    [Fact]
    public void WithOnlyAwayMembersQueuedAReleaseLeavesTheFloorIdle()
    {
        var floor = NewFloor();
        floor.Request("a");
        floor.Request("b");
        floor.Away("b");
        Assert.IsType<FloorState.Idle>(floor.Release("a")!.State);
    }

    [Fact]
    public void UsingTheFloorWithoutItsOwnersLockThrows()
    {
        var owner = new Lock();
        var floor = NewFloor(owner: owner);
        Assert.Throws<InvalidOperationException>(() => floor.Request("a"));
        Assert.Throws<InvalidOperationException>(() => floor.Release("a"));
        Assert.Throws<InvalidOperationException>(() => floor.Expire(1));
        lock (owner)
        {
            Assert.Equal(RequestOutcome.Granted, floor.Request("a").Result.Outcome);
        }
    }

    [Fact]
    public void IdleFloorIsGrantedWithExpiry()
    {
        var floor = NewFloor();
        var (result, change) = floor.Request("a");
        Assert.Equal(RequestOutcome.Granted, result.Outcome);
        var held = Assert.IsType<FloorState.Held>(change!.State);
        Assert.Equal("a", held.Holder);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), held.ExpiresAt);
    }

    [Fact]
    public void ZeroLimitMeansNoExpiry()
    {
        var floor = NewFloor(limitSeconds: 0);
        floor.Request("a");
        Assert.Null(Assert.IsType<FloorState.Held>(floor.State).ExpiresAt);
    }

    [Fact]
    public void HolderRequestingAgainChangesNothing()
    {
        var floor = NewFloor();
        floor.Request("a");
        var (result, change) = floor.Request("a");
        Assert.Equal(RequestOutcome.Granted, result.Outcome);
        Assert.Null(change);
    }

    [Fact]
    public void OthersQueueInOrderWithPositions()
    {
        var floor = NewFloor();
        floor.Request("a");
        var (b, bChange) = floor.Request("b");
        var (c, _) = floor.Request("c");
        var (bAgain, bAgainChange) = floor.Request("b");
        Assert.Equal(new FloorRequestResult(RequestOutcome.Queued, "a", 1), b);
        Assert.NotNull(bChange);
        Assert.Equal(new FloorRequestResult(RequestOutcome.Queued, "a", 2), c);
        Assert.Equal(new FloorRequestResult(RequestOutcome.Queued, "a", 1), bAgain);
        Assert.Null(bAgainChange);
    }

    [Fact]
    public void WithoutQueueingABusyFloorIsDenied()
    {
        var floor = NewFloor(queueing: false);
        floor.Request("a");
        var (result, change) = floor.Request("b");
        Assert.Equal(new FloorRequestResult(RequestOutcome.Denied, "a"), result);
        Assert.Null(change);
    }

    [Fact]
    public void ReleaseHandsTheFloorToTheQueueHead()
    {
        var floor = NewFloor();
        floor.Request("a");
        floor.Request("b");
        floor.Request("c");
        var change = floor.Release("a")!;
        Assert.Equal("b", change.GrantedFromQueue);
        var held = Assert.IsType<FloorState.Held>(change.State);
        Assert.Equal("b", held.Holder);
        Assert.Equal(["c"], held.Queue);
    }

    [Fact]
    public void ReleaseWithEmptyQueueMakesTheFloorIdle()
    {
        var floor = NewFloor();
        floor.Request("a");
        Assert.IsType<FloorState.Idle>(floor.Release("a")!.State);
    }

    [Fact]
    public void QueuedReleaseLeavesTheQueueAndStrangerReleaseIsANoOp()
    {
        var floor = NewFloor();
        floor.Request("a");
        floor.Request("b");
        Assert.Null(floor.Release("stranger"));
        var change = floor.Release("b")!;
        Assert.Empty(Assert.IsType<FloorState.Held>(change.State).Queue);
        Assert.Null(change.GrantedFromQueue);
        Assert.Null(NewFloor().Release("a"));
    }

    [Fact]
    public void LeavingWhileQueuedOrHoldingFreesThePlace()
    {
        var floor = NewFloor();
        floor.Request("a");
        floor.Request("b");
        floor.Request("c");
        floor.Remove("b");
        var change = floor.Remove("a")!;
        Assert.Equal("c", change.GrantedFromQueue);
        Assert.Empty(Assert.IsType<FloorState.Held>(change.State).Queue);
    }

    [Fact]
    public void ExpiryRevokesTheHolderAndPassesOn()
    {
        var floor = NewFloor();
        floor.Request("a");
        floor.Request("b");
        var grant = Assert.IsType<FloorState.Held>(floor.State).Grant;
        var change = floor.Expire(grant)!;
        Assert.Equal("a", change.RevokedFrom);
        Assert.Equal("time-limit", change.RevokeReason);
        Assert.Equal("b", change.GrantedFromQueue);
    }

    [Fact]
    public void AStaleExpiryChangesNothing()
    {
        var floor = NewFloor();
        floor.Request("a");
        var first = Assert.IsType<FloorState.Held>(floor.State).Grant;
        floor.Release("a");
        Assert.Null(floor.Expire(first));
        floor.Request("a");
        Assert.Null(floor.Expire(first));
        Assert.Equal("a", Assert.IsType<FloorState.Held>(floor.State).Holder);
    }
}
