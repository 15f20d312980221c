package org.clusterdb.core.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.clusterdb.api.Alarm;
import org.clusterdb.core.local.PeerStore;
import org.clusterdb.proto.log.v1.AlarmRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's alarms: raised and lowered by the cluster's monitors, kept in the peer's own reserved
 * table so that they survive a restart, and logged as the appliance logs them. Each kind of alarm
 * is either active or not; raising an active alarm or lowering an inactive one does nothing.
 * Thread-safe.
 */
public final class AlarmRegistry {
  /** The reserved peer table holding the registry. */
  public static final String TABLE = "clusterdb.alarms";

  private static final Logger LOG = LoggerFactory.getLogger("org.clusterdb.alarm");

  private final PeerStore store;
  private final Clock clock;
  private final String memberId;

  /** The latest occurrence of each alarm, by id; guarded by this. */
  private final Map<Integer, Alarm> alarms = new TreeMap<>();

  private AlarmRegistry(PeerStore store, Clock clock, String memberId) {
    this.store = store;
    this.clock = clock;
    this.memberId = memberId;
  }

  /** Opens the registry kept in {@code store}, creating its table on first use. */
  public static AlarmRegistry open(PeerStore store, Clock clock, String memberId) {
    AlarmRegistry registry = new AlarmRegistry(store, clock, memberId);
    store.ensureTable(TABLE);
    List<AlarmRecord> records = new ArrayList<>();
    store.read(
        r -> {
          r.scan(
              TABLE,
              new byte[0],
              null,
              (key, value) -> {
                try {
                  records.add(AlarmRecord.parseFrom(value.getValue()));
                } catch (InvalidProtocolBufferException e) {
                  LOG.warn(
                      "Detail=\"unreadable alarm record skipped\" Member=\"{}\" Key=\"{}\"",
                      memberId,
                      new String(key, StandardCharsets.UTF_8));
                }
                return true;
              });
          return null;
        });
    synchronized (registry) {
      for (AlarmRecord rec : records) {
        registry.alarms.put(rec.getId(), alarm(rec));
      }
    }
    return registry;
  }

  /** Raises {@code alarm}; returns whether it was not active before. */
  public synchronized boolean raise(AlarmDefinition alarm) {
    if (isActive(alarm)) {
      return false;
    }
    Alarm raised =
        new Alarm(
            alarm.id(),
            alarm.uuid(),
            alarm.severity(),
            alarm.detail(),
            clock.instant(),
            Optional.empty());
    alarms.put(alarm.id(), raised);
    persist(raised);
    log(true, alarm);
    return true;
  }

  /** Lowers {@code alarm}; returns whether it was active before. */
  public synchronized boolean lower(AlarmDefinition alarm) {
    if (!isActive(alarm)) {
      return false;
    }
    Alarm raised = alarms.get(alarm.id());
    Alarm lowered =
        new Alarm(
            raised.id(),
            raised.uuid(),
            raised.severity(),
            raised.detail(),
            raised.raisedAt(),
            Optional.of(clock.instant()));
    alarms.put(alarm.id(), lowered);
    persist(lowered);
    log(false, alarm);
    return true;
  }

  /** In the appliance's words: raises are warnings, lowers are information. */
  private void log(boolean raised, AlarmDefinition alarm) {
    Object[] args = {
      raised ? "Alarm Raised" : "Alarm Lowered",
      alarm.id(),
      alarm.uuid(),
      alarm.severity().name().toLowerCase(),
      alarm.detail(),
      memberId
    };
    String format =
        "Event=\"{}\" Id=\"{}\" UUID=\"{}\" Severity=\"{}\" Detail=\"{}\" Member=\"{}\"";
    if (raised) {
      LOG.warn(format, args);
    } else {
      LOG.info(format, args);
    }
  }

  public synchronized boolean isActive(AlarmDefinition alarm) {
    Alarm a = alarms.get(alarm.id());
    return a != null && a.active();
  }

  /** The latest occurrence of every alarm this peer has raised: active ones first, each by id. */
  public synchronized List<Alarm> list() {
    List<Alarm> out = new ArrayList<>(alarms.values());
    out.sort(Comparator.comparing((Alarm a) -> !a.active()).thenComparingInt(Alarm::id));
    return out;
  }

  private void persist(Alarm alarm) {
    AlarmRecord rec =
        AlarmRecord.newBuilder()
            .setId(alarm.id())
            .setUuid(alarm.uuid().toString())
            .setSeverity(alarm.severity().name())
            .setDetail(alarm.detail())
            .setRaisedAtMillis(alarm.raisedAt().toEpochMilli())
            .setLoweredAtMillis(alarm.loweredAt().map(Instant::toEpochMilli).orElse(0L))
            .build();
    try {
      store.put(TABLE, Integer.toString(alarm.id()), rec.toByteString());
    } catch (RuntimeException e) {
      // The alarm stays reported from memory; only its survival across a restart is lost.
      LOG.error(
          "Detail=\"alarm not persisted\" Id=\"{}\" Member=\"{}\" Error=\"{}\"",
          alarm.id(),
          memberId,
          e.toString());
    }
  }

  private static Alarm alarm(AlarmRecord rec) {
    Alarm.Severity severity;
    try {
      severity = Alarm.Severity.valueOf(rec.getSeverity());
    } catch (IllegalArgumentException e) {
      severity = Alarm.Severity.WARNING;
    }
    return new Alarm(
        rec.getId(),
        UUID.fromString(rec.getUuid()),
        severity,
        rec.getDetail(),
        Instant.ofEpochMilli(rec.getRaisedAtMillis()),
        rec.getLoweredAtMillis() == 0
            ? Optional.empty()
            : Optional.of(Instant.ofEpochMilli(rec.getLoweredAtMillis())));
  }
}
