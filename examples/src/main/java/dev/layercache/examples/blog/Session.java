package dev.layercache.examples.blog;

import java.util.Map;

/**
 * A signed-in user's session. Kept in the database and the shared cache, never in a server's own
 * memory, so any application server can serve any request.
 *
 * @param token the session token
 * @param userId the signed-in user
 * @param createdAt when the session began, epoch milliseconds
 * @param lastSeen the last request, epoch milliseconds
 * @param version the session row's version
 */
public record Session(String token, long userId, long createdAt, long lastSeen, long version)
    implements Versioned {
  @Override
  public Map<String, Long> versions() {
    return Map.of(Entities.session(token), version);
  }
}
