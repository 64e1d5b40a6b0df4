package dev.layercache.examples.blog;

import java.util.Map;

/**
 * What a page header shows about a user: one primary-key lookup of the profile row.
 *
 * @param userId the user
 * @param displayName the shown name
 * @param location where the user lives
 * @param version the profile row's version
 */
public record UserCard(long userId, String displayName, String location, long version)
    implements Versioned {
  @Override
  public Map<String, Long> versions() {
    return Map.of(Entities.profile(userId), version);
  }
}
