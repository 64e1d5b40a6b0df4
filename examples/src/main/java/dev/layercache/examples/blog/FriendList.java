package dev.layercache.examples.blog;

import java.util.List;
import java.util.Map;

/**
 * A user's friends, ordered by name.
 *
 * @param userId the user
 * @param friends the friends
 * @param version the version of the user's friend list
 */
public record FriendList(long userId, List<Friend> friends, long version) implements Versioned {
  /**
   * Copies the list so the record stays immutable.
   *
   * @param userId the user
   * @param friends the friends
   * @param version the version of the user's friend list
   */
  public FriendList {
    friends = List.copyOf(friends);
  }

  @Override
  public Map<String, Long> versions() {
    return Map.of(Entities.friends(userId), version);
  }
}
