package dev.layercache.examples.blog;

import java.util.List;
import java.util.Map;

/**
 * The latest events of a user and of the user's friends, newest first.
 *
 * @param userId the user
 * @param events the events
 * @param versions the version of the friend list and of each member's activity
 */
public record ActivityStream(long userId, List<ActivityEvent> events, Map<String, Long> versions)
    implements Versioned {
  /**
   * Copies the collections so the record stays immutable.
   *
   * @param userId the user
   * @param events the events
   * @param versions the versions
   */
  public ActivityStream {
    events = List.copyOf(events);
    versions = Map.copyOf(versions);
  }
}
