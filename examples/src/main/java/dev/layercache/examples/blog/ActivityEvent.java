package dev.layercache.examples.blog;

/**
 * Something a user did.
 *
 * @param eventId the event
 * @param userId who did it
 * @param userName their name
 * @param kind what they did, such as {@code commented}
 * @param subjectId what they did it to (an article, a user)
 * @param createdAt when, epoch milliseconds
 */
public record ActivityEvent(
    long eventId, long userId, String userName, String kind, long subjectId, long createdAt) {}
