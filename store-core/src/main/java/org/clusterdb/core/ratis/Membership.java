package org.clusterdb.core.ratis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.clusterdb.api.PeerAddress;

/**
 * The members of the Raft group.
 *
 * @param voters members that vote and count towards the majority
 * @param listeners members that receive the log without voting: new peers catching up
 * @param stable whether no membership change is under way
 * @param primaryId the member ranked above the others, if one is
 */
public record Membership(
    List<PeerAddress> voters,
    List<PeerAddress> listeners,
    boolean stable,
    Optional<String> primaryId) {
  public Membership {
    voters = List.copyOf(voters);
    listeners = List.copyOf(listeners);
  }

  /** Voters, then listeners. */
  public List<PeerAddress> all() {
    List<PeerAddress> all = new ArrayList<>(voters);
    all.addAll(listeners);
    return all;
  }

  /** The ids of every member. */
  public List<String> ids() {
    return all().stream().map(PeerAddress::id).toList();
  }

  public boolean isVoter(String id) {
    return voters.stream().anyMatch(p -> p.id().equals(id));
  }

  public boolean isListener(String id) {
    return listeners.stream().anyMatch(p -> p.id().equals(id));
  }
}
