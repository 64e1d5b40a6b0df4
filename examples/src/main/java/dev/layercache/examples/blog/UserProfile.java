package dev.layercache.examples.blog;

import java.util.Map;

/**
 * A user's profile page, assembled from the account row, the profile row and two counts.
 *
 * @param userId the user
 * @param name the account name
 * @param email the e-mail address
 * @param joinedAt when the account was created, epoch milliseconds
 * @param displayName the shown name
 * @param bio the self-description
 * @param location where the user lives
 * @param website the user's site
 * @param friendCount how many friends the user has
 * @param articleCount how many articles the user wrote
 * @param versions the versions of the profile row and of the friend list
 */
public record UserProfile(
    long userId,
    String name,
    String email,
    long joinedAt,
    String displayName,
    String bio,
    String location,
    String website,
    int friendCount,
    int articleCount,
    Map<String, Long> versions)
    implements Versioned {}
