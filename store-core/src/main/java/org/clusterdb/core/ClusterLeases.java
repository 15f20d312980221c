package org.clusterdb.core;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Lease;
import org.clusterdb.api.LeaseStatus;
import org.clusterdb.api.Leases;
import org.clusterdb.core.codec.ApiCodec;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.fsm.CommandValidator;
import org.clusterdb.core.fsm.LeaseKeys;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.core.lease.Lessor;
import org.clusterdb.core.ratis.RaftNode;
import org.clusterdb.core.util.DaemonThreads;
import org.clusterdb.proto.log.v1.ApplyResult;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LeaseGrant;
import org.clusterdb.proto.log.v1.LeaseKeepAlive;
import org.clusterdb.proto.log.v1.LeaseQuery;
import org.clusterdb.proto.log.v1.LeaseRecord;
import org.clusterdb.proto.log.v1.LeaseRevoke;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.QueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's leases: the {@link Leases} calls, each a replicated command, and the leader's expiry.
 * While this member leads, every {@link #TICK} it revokes, through the log, the leases whose TTL
 * passed by its {@link Lessor}; on taking the lead it first extends every lease by the election
 * timeout, so a change of leader never ends a lease early.
 */
final class ClusterLeases implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterLeases.class);

  /** How often the leader looks for expired leases: the expiry's lateness, at most. */
  static final Duration TICK = Duration.ofMillis(100);

  private final ClusterDbConfig config;
  private final RaftNode node;
  private final ScheduledExecutorService ticker;

  /** Leases of {@code node}, expired by it while it leads. */
  ClusterLeases(ClusterDbConfig config, RaftNode node) {
    this.config = config;
    this.node = node;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("clusterdb-leases-" + config.memberId()));
    ticker.scheduleWithFixedDelay(
        this::expire, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The shortest TTL granted: a lease must outlive an election, or a failover would end it. */
  Duration minTtl() {
    long min =
        Math.max(CommandValidator.MIN_LEASE_TTL_MILLIS, 2 * config.electionTimeoutMax().toMillis());
    return Duration.ofMillis(min);
  }

  /**
   * The {@link Leases} calls, each command replicated by {@code propose}, which stamps it with the
   * caller's request id and audit context and fails with the command's error.
   */
  Leases view(Function<LogEntry, CompletableFuture<ApplyResult>> propose) {
    return new View(propose);
  }

  private final class View implements Leases {
    private final Function<LogEntry, CompletableFuture<ApplyResult>> propose;

    View(Function<LogEntry, CompletableFuture<ApplyResult>> propose) {
      this.propose = propose;
    }

    @Override
    public CompletableFuture<Lease> grant(Duration ttl) {
      if (ttl == null
          || ttl.compareTo(minTtl()) < 0
          || ttl.toMillis() > CommandValidator.MAX_LEASE_TTL_MILLIS) {
        return CompletableFuture.failedFuture(
            ClusterDbException.invalid(
                "ttl",
                "must be "
                    + minTtl().toMillis()
                    + " ms (twice the election timeout, and 1 s at least) to 30 days; got "
                    + (ttl == null ? "none" : ttl.toMillis() + " ms")));
      }
      long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
      LogEntry entry =
          entry()
              .setLeaseGrant(
                  LeaseGrant.newBuilder()
                      .setId(id)
                      .setTtlMillis(ttl.toMillis())
                      .setMemberId(config.memberId()))
              .build();
      return propose
          .apply(entry)
          .thenApply(r -> new Lease(r.getLease().getId(), Duration.ofMillis(ttl.toMillis())));
    }

    @Override
    public CompletableFuture<Lease> keepAlive(long id) {
      if (id <= 0) {
        return CompletableFuture.failedFuture(badId(id));
      }
      LogEntry entry = entry().setLeaseKeepAlive(LeaseKeepAlive.newBuilder().setId(id)).build();
      return propose
          .apply(entry)
          .thenApply(r -> new Lease(id, Duration.ofMillis(r.getLease().getTtlMillis())));
    }

    @Override
    public CompletableFuture<Long> revoke(long id) {
      if (id <= 0) {
        return CompletableFuture.failedFuture(badId(id));
      }
      LogEntry entry = entry().setLeaseRevoke(LeaseRevoke.newBuilder().setId(id)).build();
      return propose.apply(entry).thenApply(ApplyResult::getRevision);
    }

    @Override
    public CompletableFuture<LeaseStatus> timeToLive(long id) {
      if (id <= 0) {
        return CompletableFuture.failedFuture(badId(id));
      }
      Query query =
          Query.newBuilder()
              .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
              .setLease(LeaseQuery.newBuilder().setId(id))
              .build();
      return node.query(query).thenApply(ClusterLeases.this::status);
    }
  }

  private LeaseStatus status(QueryResult q) {
    if (q.hasError()) {
      throw ApiCodec.exception(q.getError());
    }
    LeaseRecord record = q.getLease().getRecord();
    List<LeaseStatus.LeasedKey> keys = new ArrayList<>();
    q.getLease()
        .getKeysList()
        .forEach(
            k -> keys.add(new LeaseStatus.LeasedKey(k.getTable(), ApiCodec.bytes(k.getKey()))));
    long remaining = node.lessor().remainingMillis(record.getId()).orElse(record.getTtlMillis());
    return new LeaseStatus(
        record.getId(),
        Duration.ofMillis(record.getTtlMillis()),
        Duration.ofMillis(remaining),
        keys);
  }

  /**
   * One look for expired leases: promotes this member's lessor when it has just become a ready
   * leader, and proposes the revocation of each lease past its deadline.
   */
  private void expire() {
    try {
      Lessor lessor = node.lessor();
      OptionalLong term = node.readyLeaderTerm();
      if (term.isEmpty()) {
        lessor.demote();
        return;
      }
      // This tick runs while a member leads: also the place to hand the lead to the primary.
      node.yieldToPrimary();
      if (!lessor.leads(term.getAsLong())) {
        Map<Long, Lessor.Granted> leases = node.readLocal(ClusterLeases::granted);
        lessor.promote(term.getAsLong(), leases, config.electionTimeoutMax().toMillis());
        LOG.info(
            "leases extended on taking the lead member={} term={} leases={} extensionMs={}",
            config.memberId(),
            term.getAsLong(),
            leases.size(),
            config.electionTimeoutMax().toMillis());
      }
      for (Lessor.Expiry expiry : lessor.expired()) {
        long id = expiry.id();
        LogEntry entry =
            entry()
                .setLeaseRevoke(
                    LeaseRevoke.newBuilder()
                        .setId(id)
                        .setExpired(true)
                        .setTerm(term.getAsLong())
                        .setRenewals(expiry.renewals()))
                .build();
        node.propose(entry)
            .whenComplete(
                (r, e) -> {
                  if (e == null && r.hasLease()) {
                    LOG.info(
                        "lease expired member={} lease={} keysDeleted={} revision={}",
                        config.memberId(),
                        id,
                        r.getLease().getDeleted(),
                        r.getRevision());
                  } else if (e == null
                      && r.getError().getCode() == ErrorCode.LEASE_NOT_FOUND.number()) {
                    lessor.revoked(id);
                  } else {
                    if (e == null) {
                      // Kept alive since, or this member no longer leads: not expired.
                      LOG.info(
                          "lease expiry not applied member={} lease={} reason=\"{}\"",
                          config.memberId(),
                          id,
                          r.getError().getMessage());
                    }
                    lessor.revokeFailed(id);
                  }
                });
      }
    } catch (RuntimeException e) {
      // Not a member yet, or closing: the next tick looks again.
      LOG.debug("lease expiry skipped member={} error={}", config.memberId(), e.toString());
    }
  }

  /** Every granted lease of a state, by id. */
  private static Map<Long, Lessor.Granted> granted(org.clusterdb.core.fsm.StateReader view) {
    Map<Long, Lessor.Granted> leases = new HashMap<>();
    if (view.table(TableNames.LEASES).isEmpty()) {
      return leases;
    }
    view.scan(
        TableNames.LEASES,
        new byte[0],
        null,
        (key, value) -> {
          try {
            LeaseRecord r = LeaseRecord.parseFrom(value.getValue());
            leases.put(
                LeaseKeys.leaseId(key), new Lessor.Granted(r.getTtlMillis(), r.getRenewals()));
          } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(
                "lease record unreadable: lease " + LeaseKeys.leaseId(key), e);
          }
          return true;
        });
    return leases;
  }

  private static LogEntry.Builder entry() {
    return LogEntry.newBuilder().setFormatVersion(FormatVersion.FORMAT_VERSION_1);
  }

  private static ClusterDbException badId(long id) {
    return ClusterDbException.invalid("id", "a lease id is positive; got " + id);
  }

  @Override
  public void close() {
    DaemonThreads.stop(ticker);
  }
}
